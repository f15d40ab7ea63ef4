package io.tokenguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.guard.RequestEvent;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TelemetryOtlpTest {
    private HttpServer collector;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startCollector() throws Exception {
        collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/v1/metrics", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                // Protobuf carries names as plain UTF-8 bytes; ISO-8859-1 keeps every byte as one char.
                received.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type")
                        + " " + new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                exchange.sendResponseHeaders(200, -1);
            } finally {
                exchange.close();
            }
        });
        collector.start();
    }

    @AfterEach
    void stopCollector() {
        collector.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/metrics";
    }

    @Test
    void theMetersArePushedEveryIntervalWhileTheAppRuns() {
        AgentSettings settings = AgentSettings.builder().metricsJmx(false).otlp(url(), Duration.ofSeconds(1)).build();
        try (Telemetry telemetry = Telemetry.start(settings)) {
            telemetry.onRequest(new RequestEvent("eloqua", "password", "sample-app-client", "-", "cache"));

            await().atMost(Duration.ofSeconds(15)).until(() -> received.stream()
                    .anyMatch(r -> r.contains("tokenguard.requests")));
        }
        String push = received.stream().filter(r -> r.contains("tokenguard.requests")).findFirst().orElseThrow();
        assertThat(push).startsWith("POST application/x-protobuf ").contains("eloqua", "cache");
    }

    @Test
    void closingPushesOnceMoreSoAShortRunIsNotLost() {
        AgentSettings settings = AgentSettings.builder().metricsJmx(false).otlp(url(), Duration.ofHours(1)).build();
        Telemetry telemetry = Telemetry.start(settings);
        telemetry.onRequest(new RequestEvent("eloqua", "password", "sample-app-client", "-", "upstream"));
        assertThat(received).isEmpty();

        telemetry.close();

        assertThat(received).anySatisfy(r -> assertThat(r).contains("tokenguard.requests", "upstream"));
    }

    @Test
    void aDeadCollectorNeverReachesTheCaller() {
        String dead = url();
        collector.stop(0);
        AgentSettings settings = AgentSettings.builder().metricsJmx(false).otlp(dead, Duration.ofHours(1)).build();
        Telemetry telemetry = Telemetry.start(settings);
        telemetry.onRequest(new RequestEvent("eloqua", "password", "sample-app-client", "-", "upstream"));
        long started = System.nanoTime();

        telemetry.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(telemetry.summaryRegistry().find("tokenguard.requests").counter().count()).isEqualTo(1.0);
    }

    @Test
    void thePushThreadIsADaemon() {
        AgentSettings settings = AgentSettings.builder().metricsJmx(false).otlp(url(), Duration.ofHours(1)).build();
        try (Telemetry telemetry = Telemetry.start(settings)) {
            assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().startsWith("tokenguard-otlp"))
                    .isNotEmpty().allMatch(Thread::isDaemon);
        }
    }
}
