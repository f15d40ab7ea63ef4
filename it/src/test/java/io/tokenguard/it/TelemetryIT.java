package io.tokenguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenguard.sample.idp.EmulatedIdp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The agent's outputs seen from outside: Prometheus scrape, events file, JSON report, guardrail. */
class TelemetryIT extends AgainstEmulatedIdp {
    private static final String[] BREACH = {"--provider", "eloqua", "--users", "alice,alice:WRONG,bob",
        "--threads", "1", "--iterations", "5"};
    private static final String[] CLEAN = {"--provider", "eloqua", "--users", "alice", "--threads", "4",
        "--iterations", "5"};
    private static final List<String> EVENT_FIELDS = Arrays.asList("tokenguard", "ts", "endpoint", "client",
            "httpClient", "user", "grant", "kind", "action", "limit", "retryAfterSeconds", "upstreamLastMinute", "callSite");
    /** Four users, two upstream calls a minute allowed: the first two pass, the other two breach every time. */
    private static final String[] STORM = {"--provider", "eloqua", "--users", "alice,bob,carol,dave", "--threads", "1",
        "--iterations", "5", "--client", "jdkhttp"};
    private static final Pattern CACHE_SAMPLE = Pattern.compile(
            "(?m)^tokenguard_requests_total\\{[^}]*endpoint=\"eloqua\"[^}]*outcome=\"cache\"[^}]*\\} (\\S+)$");

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void prometheusScrapesTheCountersWhileTheAppRuns(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        int port = freePort();
        CompletableFuture<JavaProcess.Result> app = CompletableFuture.supplyAsync(() -> {
            try {
                return guardedApp(jdk).property("tokenguard.metrics.prometheus.port", Integer.toString(port))
                        .args(CLEAN).args("--rounds", "2", "--round-gap-ms", "3000").run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build();

        String metrics = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> {
                    HttpResponse<String> r = http.send(scrape, HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() == 200 ? r.body() : "";
                }, body -> CACHE_SAMPLE.matcher(body).find() || app.isDone());

        JavaProcess.Result run = app.get(120, TimeUnit.SECONDS);
        Matcher cache = CACHE_SAMPLE.matcher(metrics);
        assertThat(cache.find()).as(metrics + "\n" + run).isTrue();
        assertThat(Double.parseDouble(cache.group(1))).isPositive();
        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.stderr).doesNotContain("SLF4J", "ERROR");
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aPrometheusPortInUseCostsOneLineAndTheGuardKeepsWorking(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();

            JavaProcess.Result run = guardedApp(jdk)
                    .property("tokenguard.metrics.prometheus.port", Integer.toString(port)).args(CLEAN).run();

            List<String> errors = run.stderr.lines().filter(l -> l.contains("ERROR")).collect(Collectors.toList());
            assertThat(errors).as(run.toString()).hasSize(1);
            assertThat(errors.get(0)).contains("tokenguard.metrics.prometheus.port", Integer.toString(port));
            assertThat(run.exitCode).isZero();
            assertThat(run.sample().row("eloqua", "alice").status(200)).isEqualTo(20);
            assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void violationEventsGoToTheEventsFileAsJsonLinesWithoutSecrets(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        Path events = dir.resolve("events.jsonl");

        JavaProcess.Result run = guardedApp(jdk).property("tokenguard.events.file", events.toString())
                .args(BREACH).run();

        List<String> lines = Files.readAllLines(events, StandardCharsets.UTF_8);
        assertThat(eventCount(lines, "violation")).as(run.toString()).isEqualTo(5);
        for (String line : lines) {
            @SuppressWarnings("unchecked")
            Map<String, Object> event = (Map<String, Object>) Json.parse(line);
            assertThat(event).containsKeys("summary".equals(event.get("tokenguard"))
                    ? new String[] {"of", "suppressed", "endpoint", "client", "user", "kind", "action"}
                    : EVENT_FIELDS.toArray(new String[0]));
            assertThat(event.get("kind")).isEqualTo("local_limit");
            assertThat(event.get("httpClient")).isEqualTo("urlconnection");
            if ("violation".equals(event.get("tokenguard"))) {
                // The app's own frame that sent it: the sample app's HTTP helper, with its line.
                assertThat((String) event.get("callSite")).matches("io\\.tokenguard\\.sample\\.[\\w.$]+:\\d+");
            }
            assertThat(line).doesNotContain("WRONG", "alice-pw", "sample-app-secret");
        }
        assertThat(run.stderr).doesNotContain("\"tokenguard\":\"violation\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void anUnwritableEventsFileCostsOneLineAndEventsGoToStderr(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        Path events = dir.resolve("no-such-dir").resolve("events.jsonl");

        JavaProcess.Result run = guardedApp(jdk).property("tokenguard.events.file", events.toString())
                .args(BREACH).run();

        List<String> errors = run.stderr.lines().filter(l -> l.contains("ERROR")).collect(Collectors.toList());
        assertThat(errors).as(run.toString()).hasSize(1);
        assertThat(errors.get(0)).contains("tokenguard.events.file", events.toString());
        assertThat(run.stderr).contains("\"kind\":\"local_limit\"");
        assertThat(run.sample().row("eloqua", "bob").status(200)).isEqualTo(5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void theJsonReportOfACleanRunPasses(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        Path report = dir.resolve("report.json");

        JavaProcess.Result run = guardedApp(jdk).property("tokenguard.report.json", report.toString())
                .args(CLEAN).run();

        Map<String, Object> json = report(report, run);
        assertThat(json.get("schema")).isEqualTo("tokenguard.report/1");
        assertThat(json.get("mode")).isEqualTo("enforce");
        assertThat(json.get("verdict")).isEqualTo("pass");
        assertThat(json).doesNotContainKey("reasons");
        Map<String, Object> eloqua = endpoint(json, "eloqua");
        assertThat(number(eloqua, "requests")).isEqualTo(20);
        assertThat(number(eloqua, "upstream")).isEqualTo(1);
        assertThat(number(eloqua, "violations")).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> outcomes = (Map<String, Object>) eloqua.get("outcomes");
        long answered = outcomes.values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
        assertThat(answered).isEqualTo(20);
        assertThat(((Number) outcomes.getOrDefault("cache", 0)).longValue()
                + ((Number) outcomes.getOrDefault("coalesced", 0)).longValue()).isEqualTo(19);
        assertThat(number(eloqua, "maxUpstreamPerMinute")).isEqualTo(1);
        Map<String, Object> client = client(eloqua, "urlconnection");
        assertThat(number(client, "requests")).isEqualTo(20);
        assertThat(number(client, "upstream")).isEqualTo(1);
        assertThat(number(client, "maxUpstreamPerMinute")).isEqualTo(1);
        assertThat(((Number) latency(client).get("p50")).doubleValue()).isPositive();
        assertThat(run.exitCode).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void theJsonReportOfABreachFailsWithReasons(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        Path report = dir.resolve("report.json");

        JavaProcess.Result run = guardedApp(jdk).property("tokenguard.report.json", report.toString())
                .args(BREACH).run();

        Map<String, Object> json = report(report, run);
        assertThat(json.get("verdict")).isEqualTo("fail");
        assertThat(json.get("reasons")).asList().containsExactly("eloqua: local_limit (rejected) x5");
        assertThat(number(endpoint(json, "eloqua"), "violations")).isEqualTo(5);
        assertThat(Files.readString(report)).doesNotContain("WRONG", "alice-pw", "sample-app-secret");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void theGuardrailTurnsABreachIntoItsExitStatusAndLeavesACleanRunAlone(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        Path report = dir.resolve("report.json");

        JavaProcess.Result breach = guardedApp(jdk).property("tokenguard.guardrail.fail-exit-code", "42")
                .property("tokenguard.report.json", report.toString()).args(BREACH).run();

        assertThat(breach.exitCode).as(breach.toString()).isEqualTo(42);
        assertThat(report(report, breach).get("verdict")).isEqualTo("fail");
        assertThat(breach.stderr).contains("tokenguard.guardrail.fail-exit-code", "tokenguard: summary");

        idp.reset();
        JavaProcess.Result clean = guardedApp(jdk).property("tokenguard.guardrail.fail-exit-code", "42")
                .args(CLEAN).run();

        assertThat(clean.exitCode).as(clean.toString()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void anInvalidGuardrailExitCodeIsOneErrorLine(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        JavaProcess.Result run = guardedApp(jdk).property("tokenguard.guardrail.fail-exit-code", "256")
                .property("tokenguard.metrics.prometheus.port", "0").args(CLEAN).run();

        assertThat(run.stderr).contains("tokenguard.guardrail.fail-exit-code='256'",
                "tokenguard.metrics.prometheus.port='0'");
        // Like any bad setting: the agent stays off and the app runs on, unguarded.
        assertThat(run.stderr).doesNotContain("tokenguard: summary");
        assertThat(run.sample().row("eloqua", "alice").asked()).isEqualTo(20);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aGuardrailBreachIsRejectedPerHttpClientAndFailsTheRunWithItsExitStatus(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        Path report = dir.resolve("report.json");
        Path events = dir.resolve("events.jsonl");

        JavaProcess.Result run = guardedApp(jdk).property("tokenguard.guardrail.max-upstream-per-minute", "2")
                .property("tokenguard.guardrail.fail-exit-code", "42")
                .property("tokenguard.report.json", report.toString())
                .property("tokenguard.events.file", events.toString()).args(STORM).run();

        assertThat(run.exitCode).as(run.toString()).isEqualTo(42);
        // Only two identities reached the provider; the others were answered locally, every time.
        assertThat(idp.tokenCalls("eloqua", "alice") + idp.tokenCalls("eloqua", "bob")
                + idp.tokenCalls("eloqua", "carol") + idp.tokenCalls("eloqua", "dave")).isEqualTo(2);
        assertThat(run.sample().row("eloqua", "carol").status(429)).isEqualTo(5);
        assertThat(run.sample().row("eloqua", "alice").status(200)).isEqualTo(5);
        Map<String, Object> json = report(report, run);
        assertThat(json.get("verdict")).isEqualTo("fail");
        assertThat(json.get("reasons")).asList().containsExactly("eloqua: guardrail_breach (rejected) x10");
        Map<String, Object> jdkhttp = client(endpoint(json, "eloqua"), "jdkhttp");
        assertThat(number(jdkhttp, "requests")).isEqualTo(20);
        assertThat(number(jdkhttp, "upstream")).isEqualTo(2);
        assertThat(number(jdkhttp, "violations")).isEqualTo(10);
        assertThat(number(jdkhttp, "maxUpstreamPerMinute")).isEqualTo(2);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sites = (List<Map<String, Object>>) endpoint(json, "eloqua").get("topCallSites");
        assertThat(sites).as("every violation counted at a call site").isNotEmpty();
        assertThat(sites.stream().mapToLong(site -> ((Number) site.get("violations")).longValue()).sum()).isEqualTo(10);

        SummaryRow row = run.summary("eloqua");
        assertThat(row.text("client")).isEqualTo("jdkhttp");
        assertThat(row.get("throttled")).isEqualTo(10);
        assertThat(row.get("max/min")).isEqualTo(2);

        List<String> breaches = Files.readAllLines(events, StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains("\"guardrail_breach\"")).collect(Collectors.toList());
        assertThat(eventCount(breaches, "violation")).isEqualTo(10);
        assertThat(breaches).allSatisfy(l -> assertThat(l).contains("\"httpClient\":\"jdkhttp\"",
                "\"action\":\"rejected\""));
        assertThat(breaches).filteredOn(l -> l.startsWith("{\"tokenguard\":\"violation\""))
                .as("one in full per user, the rest in its summary").hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("\"limit\":\"2/60s\"", "\"upstreamLastMinute\":2"));
        assertThat(run.stderr).contains("guardrail_breach (rejected) x10", "tokenguard.guardrail.fail-exit-code");
    }

    /**
     * A log storm is a few lines: observe mode answers nothing locally, so 16 threads of two users for
     * 5 s are thousands of violations and cooldowns at the IdP's refusals. Per key the first event is
     * written and the rest counted in one summary; the report counts every violation, and every one
     * of them is in the log, in full or in a summary's count.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aLoadRunInObserveModeWritesAFewEventLinesAndTheReportCountsEveryViolation(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        Path report = dir.resolve("report.json");

        JavaProcess.Result run = JavaProcess.on(jdk).withAgent("mode=observe").guardingLoopbackIdp()
                .property("tokenguard.report.json", report.toString())
                .args("--idp", idp.baseUrl(), "--provider", "eloqua", "--users", "alice,bob", "--threads", "16",
                        "--load-seconds", "5").run();

        // The app itself exits 2: the IdP refused almost every request, as it does without the agent.
        assertThat(run.sample().row("eloqua", "alice").asked()).as(run.toString()).isGreaterThan(100);
        List<String> events = Arrays.stream(run.stderr.split("\n")).filter(l -> l.startsWith("{\"tokenguard\":"))
                .collect(Collectors.toList());
        long violations = number(endpoint(report(report, run), "eloqua"), "violations");
        assertThat(violations).as(run.toString()).isGreaterThan(1000);
        assertThat(events).as("event lines").hasSizeBetween(2, 40);
        assertThat(eventCount(events, "violation")).isEqualTo(violations);
    }

    /** Violations the lines tell of: those written in full, plus the counts of the summaries of that type. */
    @SuppressWarnings("unchecked")
    private static long eventCount(List<String> lines, String type) {
        long n = 0;
        for (String line : lines) {
            Map<String, Object> event = (Map<String, Object>) Json.parse(line);
            if (type.equals(event.get("tokenguard"))) {
                n++;
            } else if ("summary".equals(event.get("tokenguard")) && type.equals(event.get("of"))) {
                n += number(event, "suppressed");
            }
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> client(Map<String, Object> endpoint, String client) {
        return ((List<Object>) endpoint.get("clients")).stream().map(e -> (Map<String, Object>) e)
                .filter(e -> client.equals(e.get("client"))).findFirst()
                .orElseThrow(() -> new AssertionError("no client " + client + " in " + endpoint));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> latency(Map<String, Object> client) {
        return (Map<String, Object>) client.get("upstreamLatencyMs");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> report(Path file, JavaProcess.Result run) throws IOException {
        assertThat(file).as(run.toString()).exists();
        return (Map<String, Object>) Json.parse(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> endpoint(Map<String, Object> report, String id) {
        return ((List<Object>) report.get("endpoints")).stream().map(e -> (Map<String, Object>) e)
                .filter(e -> id.equals(e.get("endpoint"))).findFirst()
                .orElseThrow(() -> new AssertionError("no endpoint " + id + " in " + report));
    }

    private static long number(Map<String, Object> map, String key) {
        return ((Number) map.get(key)).longValue();
    }
}
