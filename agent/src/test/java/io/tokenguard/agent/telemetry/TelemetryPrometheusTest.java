package io.tokenguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.guard.RequestEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TelemetryPrometheusTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theScrapeEndpointAnswersBeforeAnythingIsRecordedAndStopsOnClose() throws Exception {
        int port = freePort();
        AgentSettings settings = AgentSettings.builder().metricsJmx(false).prometheusPort(port).build();
        Telemetry telemetry = Telemetry.start(settings);
        try {
            HttpResponse<String> empty = scrape(port);
            assertThat(empty.statusCode()).isEqualTo(200);
            assertThat(empty.body()).doesNotContain("tokenguard_requests_total");

            telemetry.onRequest(new RequestEvent("eloqua", "password", "okhttp", "-", "cache"));

            assertThat(scrape(port).body()).contains("tokenguard_requests_total{client=\"okhttp\",endpoint=\"eloqua\","
                    + "grant=\"password\",outcome=\"cache\"} 1.0");
        } finally {
            telemetry.close();
        }
        // The port is free again once the telemetry is closed.
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void theServerThreadsAreDaemons() throws Exception {
        int port = freePort();
        try (Telemetry telemetry = Telemetry.start(
                AgentSettings.builder().metricsJmx(false).prometheusPort(port).build())) {
            assertThat(scrape(port).statusCode()).isEqualTo(200);
            assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().startsWith("HTTP-Dispatcher")
                    || t.getName().startsWith("tokenguard-prometheus")).isNotEmpty().allMatch(Thread::isDaemon);
        }
    }

    private HttpResponse<String> scrape(int port) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
