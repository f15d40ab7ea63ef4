package io.tokenguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenguard.it.fleet.FleetJvm;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    void prometheusScrapesTheRunningAppAndTheLiveVerdictFailsAtTheFirstViolationWhileItRuns() throws Exception {
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

            // The live verdict, for a load-test runner that fails its run without stopping the server.
            assertThat(verdict(appPort)).contains("\"verdict\":\"pass\"").doesNotContain("reasons");
            // alice's one initiation per minute is spent: each of these 3 is refused locally.
            app.round("--users alice:WRONG --threads 1 --iterations 3");
            assertThat(verdict(appPort)).contains("\"verdict\":\"fail\"",
                    "\"reasons\":[\"eloqua: local_limit (rejected) x3\"]").doesNotContain("WRONG", "alice-pw");
            app.quit();
            assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(1);
        }
    }

    private static String verdict(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/tokenguard/verdict")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
