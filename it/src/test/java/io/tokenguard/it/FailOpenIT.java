package io.tokenguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fail-open, stage by stage: with {@code tokenguard.test.fail-stage=<stage>} (the test-only fault
 * switch) every check of that stage throws, alternately a RuntimeException and a LinkageError. One
 * child JVM per stage and JDK (the build's and Temurin 25) runs the same careless workload once per
 * adapter (HttpURLConnection, java.net.http send and sendAsync, OkHttp execute and enqueue, Apache 4,
 * Apache 5 classic and async, Jetty 12, Reactor Netty, Vert.x: one round each), and must see what a run without the agent on that JDK sees, round by
 * round: the same statuses and the same calls at the IdP. Each stage's fault is counted (report and exit summary) and logged once.
 */
class FailOpenIT extends AgainstEmulatedIdp {
    /** One round per adapter; the order is the table's. */
    static final List<String> ADAPTERS = List.of("urlconnection", "jdkhttp", "jdkhttp-async", "okhttp", "okhttp-async",
            "apache4", "apache5", "apache5-async", "jetty", "reactor-netty", "vertx");
    private static final String[] USERS = {"alice", "bob"};
    private static final int ITERATIONS = 3;
    /** Token requests of a run: users x iterations x rounds. */
    private static final int TOKEN_REQUESTS = USERS.length * ITERATIONS * ADAPTERS.size();
    private static final Pattern FAULT_LOG = Pattern.compile("internal fault in stage '([^']+)'");

    /** The reference run per JDK: the same workload without the agent. */
    private static final Map<String, JavaProcess.Result> BARE = new HashMap<>();

    @TempDir
    Path dir;

    private static JavaProcess app(JavaProcess process) throws IOException {
        return process.libraries(Client.jars("okhttp-4.12.0")).libraries(Client.jars("httpclient-4.5.14"))
                .libraries(Client.jars("httpclient5-5.6.5")).libraries(Client.jars("jetty-12.1.14"))
                .libraries(Client.jars("reactor-netty-1.3.7")).libraries(Client.jars("vertx-5.0.7"))
                .args("--idp", idp.baseUrl(), "--provider", "eloqua", "--users", String.join(",", USERS),
                        "--threads", "1", "--iterations", Integer.toString(ITERATIONS),
                        "--client", String.join(",", ADAPTERS));
    }

    /**
     * The reference: the same workload without the agent, on the same JDK (one thread: the order,
     * and so every count, is fixed). Leaves the IdP reset for the guarded run.
     */
    private static JavaProcess.Result bare(Jdk jdk) throws Exception {
        JavaProcess.Result reference = BARE.get(jdk.toString());
        if (reference == null) {
            idp.reset();
            reference = app(JavaProcess.on(jdk)).run();
            assertThat(reference.sample().roundClients()).as(reference.toString()).isEqualTo(ADAPTERS);
            // Eloqua's one sign-in per user and minute: the bare app does get refused, so "the same" is a real check.
            assertThat(reference.sample().row("eloqua", "alice").status(429)).isPositive();
            assertThat(idp.tokenCalls("eloqua")).isEqualTo(TOKEN_REQUESTS);
            idp.reset();
            BARE.put(jdk.toString(), reference);
        }
        return reference;
    }

    static Stream<Arguments> stagesOnEveryJdk() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of("match", "parse", "cache", "throttle", "synthetic")
                .map(stage -> Arguments.of(jdk, stage)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("stagesOnEveryJdk")
    void aFaultedStageLeavesEveryAdapterExactlyAsWithoutTheAgent(Jdk jdk, String stage) throws Exception {
        jdk.assumeInstalled();
        JavaProcess.Result bare = bare(jdk);
        Path report = dir.resolve("report.json");
        JavaProcess.Result run = app(JavaProcess.on(jdk).withAgent().guardingLoopbackIdp()
                .property("tokenguard.test.fail-stage", stage).property("tokenguard.report.json", report.toString()))
                .run();

        assertThat(run.sample().agentAttached()).isTrue();
        assertThat(run.exitCode).as(run.toString()).isEqualTo(bare.exitCode);
        for (int round = 0; round < ADAPTERS.size(); round++) {
            for (String user : USERS) {
                SampleResult.Row guarded = run.sample().row(round, "eloqua", user);
                SampleResult.Row reference = bare.sample().row(round, "eloqua", user);
                assertThat(guarded.statuses()).as(stage + " " + ADAPTERS.get(round) + " " + user + "\n" + run)
                        .isEqualTo(reference.statuses());
                assertThat(guarded.idpCalls()).as(stage + " " + ADAPTERS.get(round) + " " + user)
                        .isEqualTo(reference.idpCalls());
                assertThat(guarded.apiOk()).isEqualTo(reference.apiOk());
            }
        }
        assertThat(idp.tokenCalls("eloqua")).isEqualTo(TOKEN_REQUESTS);

        long counted = loggedOnceAndCounted(run, report, stage);
        // Every token request met the fault (match: every HTTP request did), except, for synthetic, the
        // two answers that were the requests' own upstream calls: those need no synthetic response.
        if ("match".equals(stage)) {
            assertThat(counted).isGreaterThanOrEqualTo(TOKEN_REQUESTS);
        } else {
            assertThat(counted).isEqualTo("synthetic".equals(stage) ? TOKEN_REQUESTS - USERS.length : TOKEN_REQUESTS);
        }
    }

    /**
     * A broken listener is fenced off rather than a reason to stop guarding: one sign-in per user
     * reaches the IdP, the JDK's clients and Reactor Netty get its cached token, OkHttp and Apache (another identity to
     * the cache: the app's network interceptor, the client object) get the per-user limit's local 429,
     * as the provider would answer them; only the numbers are lost and the fault counted.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aFaultedTelemetryLosesItsNumbersButNotTheProtection(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        String stage = "telemetry";
        Path report = dir.resolve("report.json");
        JavaProcess.Result run = app(JavaProcess.on(jdk).withAgent().guardingLoopbackIdp()
                .property("tokenguard.test.fail-stage", stage).property("tokenguard.report.json", report.toString()))
                .run();

        // The limit's 429s are errors to the sample app (exit 2), as the IdP's own refusals are without the agent.
        assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
        int limited = 0;
        for (int round = 0; round < ADAPTERS.size(); round++) {
            // The JDK's clients and Reactor Netty (as it comes: no credential machinery of its own; its User-Agent,
            // Accept and URL-derived Host are no identity) add nothing of their own: their requests are the first round's.
            String adapter = ADAPTERS.get(round);
            boolean sameIdentity = adapter.startsWith("urlconnection") || adapter.startsWith("jdkhttp")
                    || adapter.equals("reactor-netty") || adapter.equals("vertx");
            limited += sameIdentity ? 0 : USERS.length * ITERATIONS;
            for (String user : USERS) {
                SampleResult.Row row = run.sample().row(round, "eloqua", user);
                assertThat(row.status(sameIdentity ? 200 : 429)).as(stage + " " + adapter + " " + user + "\n" + run)
                        .isEqualTo(ITERATIONS);
                assertThat(row.idpCalls()).isEqualTo(round == 0 ? 1 : 0);
            }
        }
        assertThat(idp.tokenCalls("eloqua")).isEqualTo(USERS.length);
        // Every listener call threw: one per token request, one per upstream call, one per violation
        // (each 429 of the limit), and the one that hands telemetry the token cache when the guard is built.
        assertThat(loggedOnceAndCounted(run, report, stage)).isEqualTo(TOKEN_REQUESTS + USERS.length + limited + 1);
    }

    /** One log line for the stage, none for any other; the count in the exit summary and the JSON report. */
    @SuppressWarnings("unchecked")
    private static long loggedOnceAndCounted(JavaProcess.Result run, Path report, String stage) throws IOException {
        List<String> logged = new ArrayList<>();
        for (String line : run.stderr.split("\\R")) {
            Matcher m = FAULT_LOG.matcher(line);
            if (m.find()) {
                logged.add(m.group(1));
            }
        }
        assertThat(logged).as(run.toString()).containsExactly(stage);
        // Nothing else speaks up either: no stack trace, no library warning per request.
        assertThat(run.stderr).doesNotContain("Exception", "\tat ");
        assertThat(run.stderr).contains("tokenguard.test.fail-stage=" + stage);

        Map<String, Object> json = (Map<String, Object>) Json.parse(
                new String(Files.readAllBytes(report), StandardCharsets.UTF_8));
        Map<String, Object> errors = (Map<String, Object>) json.get("agentErrors");
        assertThat(errors).as(json.toString()).containsOnlyKeys(stage);
        long counted = ((Number) errors.get(stage)).longValue();
        assertThat(run.stderr).contains("internal faults (tokenguard.agent.errors; those requests went through"
                + " untouched): " + stage + " x" + counted);
        return counted;
    }
}
