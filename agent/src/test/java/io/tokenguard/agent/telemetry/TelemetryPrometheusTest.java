package io.tokenguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.guard.RequestEvent;
import io.tokenguard.agent.guard.ThrottleDelayEvent;
import io.tokenguard.agent.guard.TokenCacheStats;
import io.tokenguard.agent.guard.UpstreamEvent;
import io.tokenguard.agent.guard.Violation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;
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

    /** Every meter the agent can register: each has HELP text, and promtool accepts it all. */
    @Test
    void aScrapeOfEveryMeterPassesPromtoolWithHelpOnEachAndTheBuildInfo() throws Exception {
        int port = freePort();
        AgentSettings settings = AgentSettings.builder().metricsJmx(false).prometheusPort(port)
                .mode(Mode.OBSERVE).build();
        String body;
        try (Telemetry telemetry = Telemetry.start(settings)) {
            EveryMeter.record(telemetry);
            body = scrape(port).body();
        }

        assertThat(body).contains("tokenguard_build_info{mode=\"observe\",version=\"unknown\"} 1");
        List<String> names = body.lines().filter(l -> l.startsWith("# TYPE ")).map(l -> l.split(" ")[2])
                .collect(Collectors.toList());
        assertThat(names).contains("tokenguard_requests_total", "tokenguard_upstream_duration_seconds",
                "tokenguard_upstream_duration_seconds_max", "tokenguard_violations_total",
                "tokenguard_throttle_delay_seconds", "tokenguard_cache_gets_total", "tokenguard_agent_errors_total",
                "tokenguard_fleet_state", "tokenguard_fleet_redis_calls_seconds", "tokenguard_fleet_cache_hits_total");
        for (String name : names) {
            assertThat(body.lines().filter(l -> l.startsWith("# HELP " + name + " ")))
                    .as("HELP of " + name).singleElement().satisfies(help ->
                            assertThat(help.substring(("# HELP " + name + " ").length()).trim()).isNotEmpty());
        }
        Promtool.assumeInstalled();
        Promtool.Result check = Promtool.run(Path.of("."), body, "check", "metrics");
        assertThat(check.exitCode).as(check + "\n" + body).isZero();
        assertThat(check.output.trim()).as(check.toString()).isEmpty();
    }

    @Test
    void theLiveVerdictPassesUntilAViolationThenFailsWithItsReasonOverHttpAndJmx() throws Exception {
        int port = freePort();
        AgentSettings settings = AgentSettings.builder().metricsJmx(true).prometheusPort(port).build();
        try (Telemetry telemetry = Telemetry.start(settings)) {
            telemetry.startJmx();
            telemetry.onRequest(new RequestEvent("eloqua", "password", "okhttp", "-", "upstream"));
            HttpResponse<String> passing = get(port, "/tokenguard/verdict");
            assertThat(passing.statusCode()).isEqualTo(200);
            assertThat(passing.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(passing.body()).contains("\"schema\":\"tokenguard.report/1\"", "\"verdict\":\"pass\"")
                    .doesNotContain("reasons");

            telemetry.onViolation(new Violation("eloqua", "app", "h", "password", Violation.LOCAL_LIMIT,
                    Violation.REJECTED, 60, "1/1m"));

            assertThat(get(port, "/tokenguard/verdict").body()).contains("\"verdict\":\"fail\"",
                    "\"reasons\":[\"eloqua: local_limit (rejected) x1\"]");
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("tokenguard:type=Verdict");
            assertThat(jmx.getAttribute(name, "Verdict")).isEqualTo("fail");
            assertThat((String[]) jmx.getAttribute(name, "Reasons")).containsExactly("eloqua: local_limit (rejected) x1");
            assertThat((String) jmx.getAttribute(name, "Report")).contains("\"verdict\":\"fail\"");
        }
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName("tokenguard:type=Verdict")))
                .as("unregistered on close").isFalse();
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
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
