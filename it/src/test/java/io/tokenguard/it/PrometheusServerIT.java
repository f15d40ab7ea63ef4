package io.tokenguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenguard.it.fleet.FleetJvm;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package) scrapes an agent-attached app that is still running, and its query
 * API answers with the app's numbers: what an SRE's setup would see, not just a text format.
 */
class PrometheusServerIT extends AgainstEmulatedIdp {
    @TempDir
    Path dir;

    @Test
    void prometheusScrapesTheRunningAppAndItsQueryApiAnswersTheRequestsTheBuildAndTheTarget() throws Exception {
        Jdk jdk = Jdk.all().get(0);
        int appPort = freePort();
        JavaProcess config = guardedApp(jdk).property("tokenguard.metrics.prometheus.port", Integer.toString(appPort))
                .args("--rounds-from-stdin", "--quiet", "--provider", "eloqua", "--users", "alice", "--threads", "4",
                        "--iterations", "5");
        try (FleetJvm app = FleetJvm.start("scraped-app", config.command(), Map.of());
                PrometheusServer prometheus = PrometheusServer.scraping(appPort, dir)) {
            app.awaitReady();
            SampleResult round = app.round("go");
            assertThat(round.row("eloqua", "alice").status(200)).isEqualTo(20);

            // The app waits for its next order meanwhile: these numbers come from a live JVM's endpoint.
            String requests = "sum(tokenguard_requests_total{job=\"tokenguard\",endpoint=\"eloqua\"})";
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> prometheus.value(requests) == 20.0);
            assertThat(prometheus.value("sum(tokenguard_requests_total{endpoint=\"eloqua\",outcome=\"upstream\"})"))
                    .isEqualTo(1.0);
            assertThat(prometheus.value("up{job=\"tokenguard\"}")).isEqualTo(1.0);
            List<Map<String, Object>> build = prometheus.query("tokenguard_build_info");
            assertThat(build).as(prometheus.log()).singleElement().satisfies(series -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> labels = (Map<String, Object>) series.get("metric");
                assertThat(labels).containsEntry("mode", "enforce");
                assertThat((String) labels.get("version")).as("the agent jar's Implementation-Version")
                        .isNotEmpty().isNotEqualTo("unknown");
            });
            assertThat(app.quit()).as(app.stderr()).isZero();
            assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
