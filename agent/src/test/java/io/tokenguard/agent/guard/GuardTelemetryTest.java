package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.config.UserTag;
import io.tokenguard.agent.telemetry.ExitSummary;
import io.tokenguard.agent.telemetry.RunReport;
import io.tokenguard.agent.telemetry.Telemetry;
import io.tokenguard.bootstrap.Upstream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** The guard feeding the real telemetry, on a fake clock: meters, events, summary and report values. */
@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class GuardTelemetryTest {
    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();

    @TempDir
    Path dir;

    GuardTelemetryTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
    }

    private static AgentSettings.Builder settings(EndpointRule rule) {
        return AgentSettings.builder().mode(Mode.ENFORCE).metricsJmx(false).rule(rule);
    }

    private static double count(MeterRegistry r, String name, String... tags) {
        return r.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void requestsViolationsAndCacheMetersCarryTheHttpClient() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        try (Telemetry telemetry = Telemetry.start(settings(eloqua).build())) {
            PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            ((CompositeMeterRegistry) telemetry.registry()).add(prometheus);
            Guard guard = backEnd.guard(settings(eloqua).build(), clock, telemetry);
            MeterRegistry m = telemetry.summaryRegistry();
            for (int i = 0; i < 3; i++) {
                guard.exchange(eloqua, via("okhttp", eloquaPassword("alice", "alice-pw")), idp.upstream());
            }
            assertThat(m.get("tokenguard.cache.size").gauge().value()).isEqualTo(1.0)
                    .isEqualTo((double) guard.cacheSize());
            guard.exchange(eloqua, via("okhttp", eloquaPassword("alice", "typo")), idp.upstream());

            assertThat(count(m, "tokenguard.requests", "endpoint", "eloqua", "client", "okhttp", "grant", "password",
                    "outcome", "upstream")).isEqualTo(1);
            assertThat(count(m, "tokenguard.requests", "client", "okhttp", "outcome", "cache")).isEqualTo(2);
            assertThat(count(m, "tokenguard.requests", "client", "okhttp", "outcome", "throttled")).isEqualTo(1);
            assertThat(count(m, "tokenguard.violations", "endpoint", "eloqua", "client", "okhttp",
                    "kind", "local_limit", "action", "rejected")).isEqualTo(1);
            // Under the names Micrometer's Caffeine binder gave them: the two cache answers were hits.
            assertThat(m.get("tokenguard.cache.gets").tag("result", "hit").functionCounter().count()).isEqualTo(2);
            assertThat(m.get("tokenguard.cache.gets").tag("result", "miss").functionCounter().count()).isEqualTo(2);
            assertThat(m.find("tokenguard.cache.evictions").functionCounter()).isNotNull();

            Timer upstream = m.get("tokenguard.upstream.duration").tags("endpoint", "eloqua", "status", "200").timer();
            assertThat(upstream.count()).isEqualTo(1);
            // Histogram buckets where the registry supports them, so p50/p95/p99 can be derived across instances.
            assertThat(prometheus.scrape()).contains(
                    "tokenguard_upstream_duration_seconds_bucket{endpoint=\"eloqua\",status=\"200\",le=\"+Inf\"} 1",
                    "tokenguard_cache_gets_total{cache=\"tokens\",result=\"hit\"} 2.0");
            // No user tag unless asked for.
            assertThat(m.getMeters()).noneMatch(meter -> meter.getId().getTag("user") != null);
        }
    }

    @Test
    void hashedUserTagAndTheCardinalityGuard() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        AgentSettings s = settings(eloqua).userTag(UserTag.HASHED).maxTagValues(2).build();
        try (Telemetry telemetry = Telemetry.start(s)) {
            Guard guard = backEnd.guard(s, clock, telemetry);
            for (String user : new String[] {"alice", "bob", "carol", "dave"}) {
                guard.exchange(eloqua, via("apache5", eloquaPassword(user, user + "-pw")), idp.upstream());
            }
            Set<String> users = telemetry.summaryRegistry().find("tokenguard.requests").counters().stream()
                    .map(c -> c.getId().getTag("user")).collect(Collectors.toSet());

            assertThat(users).hasSize(3).contains("other");
            users.remove("other");
            assertThat(users).allSatisfy(u -> assertThat(u).hasSize(12).doesNotContain("alice", "bob", "carol"));
            assertThat(count(telemetry.summaryRegistry(), "tokenguard.requests", "user", "other")).isEqualTo(2);
        }
    }

    @Test
    void aDelayedRequestIsTimed() throws Exception {
        EndpointRule eloqua = EndpointRule.builder("eloqua").url(ELOQUA_URL).limit("1/60s").onLimit(OnLimit.DELAY)
                .maxDelay(Duration.ofSeconds(90)).build();
        try (Telemetry telemetry = Telemetry.start(settings(eloqua).build())) {
            Guard guard = backEnd.guard(settings(eloqua).build(), clock, telemetry);
            guard.exchange(eloqua, via("jdkhttp", eloquaPassword("alice", "alice-pw")), idp.upstream());
            guard.exchange(eloqua, via("jdkhttp", eloquaPassword("alice", "other-pw")), idp.upstream());

            Timer delay = telemetry.summaryRegistry().get("tokenguard.throttle.delay")
                    .tags("endpoint", "eloqua", "client", "jdkhttp", "outcome", "delayed").timer();
            assertThat(delay.count()).isEqualTo(1);
            assertThat(delay.totalTime(TimeUnit.SECONDS)).isEqualTo(60.0);
            assertThat(count(telemetry.summaryRegistry(), "tokenguard.requests", "outcome", "delayed")).isEqualTo(1);
        }
    }

    @Test
    void summaryAndReportPerEndpointAndClientWithPeakRateLatencyAndGuardrailVerdict() throws Exception {
        EndpointRule twitter = twitter();
        AgentSettings s = settings(twitter).maxUpstreamPerMinute(4).build();
        Upstream slowIdp = () -> {
            clock.advance(Duration.ofMillis(100));
            return idp.upstream().send();
        };
        try (Telemetry telemetry = Telemetry.start(s)) {
            Guard guard = backEnd.guard(s, clock, telemetry);
            for (int i = 0; i < 6; i++) {
                guard.exchange(twitter, via("jdkhttp", twitterBearer("app" + i)), slowIdp);
            }
            guard.exchange(twitter, via("okhttp", twitterBearer("app9")), slowIdp);

            List<String> lines = ExitSummary.lines(telemetry.summaryRegistry(), "enforce");
            assertThat(lines.get(1)).contains("endpoint", "client", "requests", "upstream", "max/min", "p50_ms",
                    "p99_ms");
            String jdk = lines.stream().filter(l -> l.startsWith("twitter") && l.contains("jdkhttp")).findFirst()
                    .orElseThrow(() -> new AssertionError(String.join("\n", lines)));
            String[] cells = jdk.trim().split("\\s+");
            assertThat(cells[2]).as("requests").isEqualTo("6");
            assertThat(cells[3]).as("upstream").isEqualTo("4");
            assertThat(cells[cells.length - 4]).as("violations").isEqualTo("2");
            assertThat(cells[cells.length - 3]).as("max/min").isEqualTo("4");
            assertThat(Double.parseDouble(cells[cells.length - 2])).as("p50").isCloseTo(100.0, within(2.0));

            RunReport report = RunReport.of(telemetry.summaryRegistry(), "enforce");
            assertThat(report.failed()).isTrue();
            assertThat(report.reasons()).containsExactly("twitter: guardrail_breach (rejected) x2");
            String json = report.toJson();
            assertThat(json).contains("\"schema\":\"tokenguard.report/1\"", "\"verdict\":\"fail\"",
                    "\"endpoint\":\"twitter\",\"requests\":7,\"upstream\":5",
                    "{\"client\":\"jdkhttp\",\"requests\":6,\"upstream\":4,"
                            + "\"outcomes\":{\"upstream\":4,\"throttled\":2},\"violations\":2,"
                            + "\"maxUpstreamPerMinute\":4,\"upstreamLatencyMs\":{\"p50\":",
                    "{\"client\":\"okhttp\",\"requests\":1,\"upstream\":1,\"outcomes\":{\"upstream\":1},"
                            + "\"violations\":0,\"maxUpstreamPerMinute\":1,");
            Matcher p99 = Pattern.compile("\"client\":\"jdkhttp\".*?\"p99\":([0-9.]+)").matcher(json);
            assertThat(p99.find()).isTrue();
            assertThat(Double.parseDouble(p99.group(1))).isCloseTo(100.0, within(2.0));
        }
    }

    @Test
    void cooldownStartsAndFaultsAreEventsWithoutSecrets() throws Exception {
        EndpointRule twitter = twitter();
        Path events = dir.resolve("events.jsonl");
        AgentSettings s = settings(twitter).eventsFile(events.toString()).build();
        try (Telemetry telemetry = Telemetry.start(s)) {
            Guard guard = backEnd.guard(s, clock, telemetry);
            idp.status = 403;
            idp.body = "{\"errors\":[{\"code\":99,\"message\":\"Unable to verify your credentials\"}]}";
            guard.exchange(twitter, via("apache4", twitterBearer("app")), idp.upstream());
            telemetry.onFault("classify", new IllegalStateException("quoting app-secret from a body"));
            telemetry.onFault("classify", new IllegalStateException("again"));

            assertThat(count(telemetry.summaryRegistry(), "tokenguard.agent.errors", "stage", "classify"))
                    .isEqualTo(2);
        }
        List<String> lines = Files.readAllLines(events, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("{\"tokenguard\":\"violation\"").contains("\"endpoint\":\"twitter\"",
                "\"client\":\"app\"", "\"httpClient\":\"apache4\"", "\"kind\":\"upstream_lockout\"",
                "\"action\":\"observed\"", "\"retryAfterSeconds\":900", "\"upstreamLastMinute\":1");
        assertThat(lines.get(1)).startsWith("{\"tokenguard\":\"cooldown\"").contains("\"httpClient\":\"apache4\"",
                "\"kind\":\"upstream_lockout\"", "\"retryAfterSeconds\":900").doesNotContain("action");
        assertThat(lines.get(2)).startsWith("{\"tokenguard\":\"fault\"").contains("\"stage\":\"classify\"",
                "\"error\":\"java.lang.IllegalStateException\"");
        assertThat(String.join("\n", lines)).doesNotContain("app-secret", "Unable to verify");
    }
}
