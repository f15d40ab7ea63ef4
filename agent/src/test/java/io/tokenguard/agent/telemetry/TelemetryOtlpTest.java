package io.tokenguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.guard.RequestEvent;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pushes decoded with OpenTelemetry's own protobuf classes (opentelemetry-proto, which the OTLP
 * registry depends on; unrelocated on the test class path), so names, types and attributes are checked
 * as a collector reads them.
 */
class TelemetryOtlpTest {
    private HttpServer collector;
    private final List<Push> received = new CopyOnWriteArrayList<>();

    /** One POST the collector received. */
    private static final class Push {
        final String method;
        final String contentType;
        final ExportMetricsServiceRequest request;

        Push(String method, String contentType, ExportMetricsServiceRequest request) {
            this.method = method;
            this.contentType = contentType;
            this.request = request;
        }

        Optional<Metric> metric(String name) {
            return request.getResourceMetricsList().stream().flatMap(r -> r.getScopeMetricsList().stream())
                    .flatMap(s -> s.getMetricsList().stream()).filter(m -> m.getName().equals(name)).findFirst();
        }
    }

    private static Map<String, String> attributes(List<KeyValue> attributes) {
        return attributes.stream().collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().getStringValue(),
                (a, b) -> a, TreeMap::new));
    }

    @BeforeEach
    void startCollector() throws Exception {
        collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/v1/metrics", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                received.add(new Push(exchange.getRequestMethod(), exchange.getRequestHeaders().getFirst("Content-Type"),
                        ExportMetricsServiceRequest.parseFrom(in.readAllBytes())));
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
                    .anyMatch(r -> r.metric("tokenguard.requests").isPresent()));
        }
        Push push = received.stream().filter(r -> r.metric("tokenguard.requests").isPresent()).findFirst().orElseThrow();
        assertThat(push.method).isEqualTo("POST");
        assertThat(push.contentType).isEqualTo("application/x-protobuf");

        // A counter is a monotonic cumulative sum, one point per tag set, its tags as string attributes.
        Metric requests = push.metric("tokenguard.requests").orElseThrow();
        assertThat(requests.getDataCase()).isEqualTo(Metric.DataCase.SUM);
        assertThat(requests.getSum().getIsMonotonic()).isTrue();
        assertThat(requests.getSum().getAggregationTemporality())
                .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        assertThat(requests.getDescription()).isNotBlank();
        List<NumberDataPoint> points = requests.getSum().getDataPointsList();
        assertThat(points).hasSize(1);
        assertThat(points.get(0).getAsDouble()).isEqualTo(1.0);
        assertThat(attributes(points.get(0).getAttributesList())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "endpoint", "eloqua", "grant", "password", "client", "sample-app-client", "outcome", "cache"));

        // The build info is a gauge of 1 saying the version and the mode.
        Metric info = push.metric("tokenguard.build.info").orElseThrow();
        assertThat(info.getDataCase()).isEqualTo(Metric.DataCase.GAUGE);
        NumberDataPoint infoPoint = info.getGauge().getDataPoints(0);
        assertThat(infoPoint.getAsDouble()).isEqualTo(1.0);
        assertThat(attributes(infoPoint.getAttributesList())).containsKeys("version", "mode")
                .containsEntry("mode", "enforce");
    }

    @Test
    void closingPushesOnceMoreSoAShortRunIsNotLost() {
        AgentSettings settings = AgentSettings.builder().metricsJmx(false).otlp(url(), Duration.ofHours(1)).build();
        Telemetry telemetry = Telemetry.start(settings);
        telemetry.onRequest(new RequestEvent("eloqua", "password", "sample-app-client", "-", "upstream"));
        assertThat(received).isEmpty();

        telemetry.close();

        assertThat(received).anySatisfy(r -> {
            Metric requests = r.metric("tokenguard.requests").orElseThrow();
            assertThat(requests.getSum().getDataPointsList()).singleElement().satisfies(p -> {
                assertThat(p.getAsDouble()).isEqualTo(1.0);
                assertThat(attributes(p.getAttributesList())).containsEntry("outcome", "upstream");
            });
        });
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
