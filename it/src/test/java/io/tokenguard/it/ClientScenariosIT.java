package io.tokenguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.sample.idp.EmulatedIdp;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End to end: the unmodified sample app in a child JVM with -javaagent:agent/target/tokenguard-agent.jar,
 * against the emulated IdP running in this JVM. Every test runs on each JDK of {@link Jdk#all()}; the
 * shared scenarios also once per HTTP client of {@link Client#all()} (HttpURLConnection, java.net.http
 * send and sendAsync, OkHttp 3.x, 4.x and 5.x execute and enqueue, Apache HttpClient 4.5 and 5 classic
 * and 5 async).
 */
class ClientScenariosIT extends AgainstEmulatedIdp {
    private static final String ELOQUA_PATH = "/auth/oauth2/token";

    /** The shared scenarios run once per JDK and per HTTP client (every version) the sample app can use. */
    static Stream<Arguments> clients() {
        return Jdk.all().stream().flatMap(jdk -> Client.all().stream().map(client -> Arguments.of(jdk, client)));
    }

    /**
     * For the lockout and observe-mode scenarios: every version on the build's JDK; on the other JDK the
     * newest version of each client's library (the JDK's own clients too), unless
     * {@code -Dtokenguard.it.allVersionsOnEveryJdk=true}. What they add over the other scenarios is the
     * guard's timing and mode, the same whatever the library's version (a library adapter patches the
     * library's bytecode, the same on either JDK); it keeps the suite within CI's time.
     */
    static Stream<Arguments> clientsNewestOnOtherJdks() {
        List<Jdk> jdks = Jdk.all();
        boolean all = Boolean.getBoolean("tokenguard.it.allVersionsOnEveryJdk");
        return jdks.stream().flatMap(jdk -> (all || jdk == jdks.get(0) ? Client.all() : Client.newestOfEach(Client.all()))
                .stream().map(client -> Arguments.of(jdk, client)));
    }

    private static JavaProcess guardedApp(Jdk jdk, Client client) throws java.io.IOException {
        return client.applyTo(guardedApp(jdk));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("clients")
    void manyThreadsAskingForOneUsersTokenMakeOneUpstreamCall(Jdk jdk, Client client) throws Exception {
        jdk.assumeInstalled();
        JavaProcess.Result run = guardedApp(jdk, client)
                .args("--provider", "eloqua", "--users", "alice", "--threads", "8", "--iterations", "25").run();

        SampleResult.Row alice = run.sample().row("eloqua", "alice");
        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.sample().agentAttached()).isTrue();
        assertThat(idp.tokenCalls("eloqua", "alice")).as(run.toString()).isEqualTo(1);
        assertThat(alice.asked()).isEqualTo(200);
        assertThat(alice.status(200)).as(alice.toString()).isEqualTo(200);
        assertThat(alice.apiOk()).isEqualTo(200);
        assertThat(alice.apiFailed()).isZero();
        assertThat(alice.distinctTokens()).isEqualTo(1);
        assertThat(alice.apiUsers()).containsExactly("alice");
        SummaryRow eloqua = run.summary("eloqua");
        assertThat(eloqua.get("requests")).isEqualTo(200);
        assertThat(eloqua.get("upstream")).isEqualTo(1);
        assertThat(eloqua.get("cache") + eloqua.get("coalesced")).isEqualTo(199);
        // The app's own interceptors keep working: the application one (above the agent) saw every request,
        // the network one (below it) only the single upstream call, and both headers reached the IdP.
        int application = client.hasApplicationInterceptor() ? 1 : 0;
        int network = client.hasNetworkInterceptor() ? 1 : 0;
        assertThat(run.sample().interceptorCalls("application")).isEqualTo(200L * application);
        assertThat(run.sample().interceptorCalls("network")).isEqualTo(network);
        assertThat(idp.hitsWithHeader(ELOQUA_PATH, "X-Sample-Interceptor")).isEqualTo(application);
        assertThat(idp.hitsWithHeader(ELOQUA_PATH, "X-Sample-Network")).isEqualTo(network);
    }

    /**
     * What the client does by itself stays as it was: non-token requests give byte-identical answers;
     * a token URL that answers 307 is followed (or not) as without the agent; a 503 the client retries is
     * still retried. A guarded call counts once whatever the client repeated below the guard.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("clients")
    void theClientsOwnRedirectsRetriesAndOtherRequestsAreKept(Jdk jdk, Client client) throws Exception {
        jdk.assumeInstalled();
        String[] app = {"--probe", idp.baseUrl() + "/api/echo?x=1",
            "--probe", "POST " + idp.baseUrl() + "/api/echo grant_type=password",
            "--probe", idp.baseUrl() + "/api/missing", "--probe", idp.baseUrl() + "/api/teapot",
            "--idp", idp.baseUrl(), "--provider", "both", "--users", "alice", "--threads", "1", "--iterations", "3",
            "--eloqua-path", EmulatedIdp.MOVED_ELOQUA_PATH, "--twitter-path", EmulatedIdp.FLAKY_TWITTER_PATH};
        JavaProcess.Result bare = client.applyTo(JavaProcess.on(jdk)).args(app).run();
        SampleResult.Row bareEloqua = bare.sample().row("eloqua", "alice");
        SampleResult.Row bareTwitter = bare.sample().row("twitter", "sample-consumer");
        idp.reset();

        // No Eloqua limit here: a 307 is no token, and this test is about the client, not the throttle.
        JavaProcess.Result run = client.applyTo(JavaProcess.on(jdk).withAgent().guardingLoopbackIdp()
                .property("tokenguard.endpoints.eloqua.url.2", "http://127.0.0.1:*" + EmulatedIdp.MOVED_ELOQUA_PATH)
                .property("tokenguard.endpoints.twitter.url.2", "http://127.0.0.1:*" + EmulatedIdp.FLAKY_TWITTER_PATH)
                .property("tokenguard.endpoints.eloqua.limit", "none")).args(app).run();

        assertThat(probes(run)).as(run.toString()).isEqualTo(probes(bare))
                .containsPattern("(status|responseCode): 418");
        SampleResult.Row eloqua = run.sample().row("eloqua", "alice");
        if (bareEloqua.status(307) == 0 && bareEloqua.status(200) == 0) {
            // It follows the 307 but drops the app's Authorization header on the way (Jetty's redirector
            // does, as for any redirect): the app sees the IdP's refusal, no token, exactly as without the agent.
            assertThat(eloqua.statuses()).as(run.toString()).isEqualTo(bareEloqua.statuses()).containsOnlyKeys("401");
            assertThat(idp.hits(EmulatedIdp.MOVED_ELOQUA_PATH)).isEqualTo(3);
            assertThat(idp.tokenCalls("eloqua")).isEqualTo(3);
        } else if (bareEloqua.status(307) == 0) {
            // The client follows a POST's 307 (HttpURLConnection, OkHttp 4+, HttpClient 5): below the guard, once.
            assertThat(bareEloqua.status(200)).as(bare.toString()).isPositive();
            assertThat(eloqua.status(200)).as(run.toString()).isEqualTo(3);
            assertThat(idp.hits(EmulatedIdp.MOVED_ELOQUA_PATH)).isEqualTo(1);
            assertThat(idp.tokenCalls("eloqua")).isEqualTo(1);
            assertThat(run.summary("eloqua").get("upstream")).isEqualTo(1);
        } else {
            // It does not: the app sees every 307 itself, which is no token and so never cached.
            assertThat(eloqua.statuses()).as(run.toString()).isEqualTo(bareEloqua.statuses()).containsOnlyKeys("307");
            assertThat(idp.hits(EmulatedIdp.MOVED_ELOQUA_PATH)).isEqualTo(3);
            assertThat(idp.tokenCalls("eloqua")).isZero();
        }
        SampleResult.Row twitter = run.sample().row("twitter", "sample-consumer");
        assertThat(idp.hits(EmulatedIdp.FLAKY_TWITTER_PATH)).as(run.toString()).isEqualTo(2);
        if (bareTwitter.status(503) == 0) {
            // The client retries the 503 (OkHttp on Retry-After: 0, the app's Apache retry strategies):
            // the retry happens below the guard, so the guarded call counts once.
            assertThat(twitter.status(200)).as(run.toString()).isEqualTo(3);
            assertThat(run.summary("twitter").get("upstream")).isEqualTo(1);
        } else {
            assertThat(twitter.status(503)).as(run.toString()).isEqualTo(1);
            assertThat(twitter.status(200)).isEqualTo(2);
            assertThat(run.summary("twitter").get("upstream")).isEqualTo(2);
        }
    }

    /** The probes' part of the sample app's output: everything before the workload starts. */
    private static String probes(JavaProcess.Result run) {
        int workload = run.stdout.indexOf("agent: ");
        return workload < 0 ? run.stdout : run.stdout.substring(0, workload);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("clients")
    void aWrongPasswordOrAnotherUserIsNeverServedSomeoneElsesToken(Jdk jdk, Client client) throws Exception {
        jdk.assumeInstalled();
        // One thread so the order is fixed: alice signs in first, then the wrong password, then bob.
        JavaProcess.Result run = guardedApp(jdk, client).args("--provider", "eloqua", "--users", "alice,alice:WRONG,bob",
                "--threads", "1", "--iterations", "5").run();

        SampleResult result = run.sample();
        SampleResult.Row alice = result.row("eloqua", "alice");
        SampleResult.Row wrong = result.row("eloqua", "alice:***");
        SampleResult.Row bob = result.row("eloqua", "bob");
        assertThat(alice.status(200)).as(run.toString()).isEqualTo(5);
        assertThat(alice.apiUsers()).containsExactly("alice");
        assertThat(wrong.status(200)).as(wrong.toString()).isZero();
        assertThat(wrong.distinctTokens()).isZero();
        assertThat(wrong.apiUsers()).isEmpty();
        // Eloqua allows alice one sign-in a minute: the guard answers the rest like Eloqua would.
        assertThat(wrong.status(429)).isEqualTo(5);
        assertThat(bob.status(200)).isEqualTo(5);
        assertThat(bob.apiUsers()).containsExactly("bob");
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(1);
        assertThat(idp.tokenCalls("eloqua", "bob")).isEqualTo(1);
        assertThat(run.stderr).contains("\"kind\":\"local_limit\"", "\"action\":\"rejected\"")
                .doesNotContain("WRONG", "alice-pw", "bob-pw", "sample-app-secret");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("clientsNewestOnOtherJdks")
    void aTwitterLockoutIsHeldLocallyUntilItWouldBeOver(Jdk jdk, Client client) throws Exception {
        jdk.assumeInstalled();
        // From the app's first request on, however long its JVM took to start.
        idp.lockTwitterFromNextCallFor(Duration.ofSeconds(2));
        // The app pauses 2.5 s between its two rounds (its own pacing, not the test's); its first round
        // (20 requests, all but the first answered locally) takes milliseconds of the 2 s cooldown.
        JavaProcess.Result run = guardedApp(jdk, client).property("tokenguard.endpoints.twitter.cooldown", "2s")
                .args("--provider", "twitter", "--threads", "4", "--iterations", "5", "--rounds", "2",
                        "--round-gap-ms", "2500").run();

        SampleResult result = run.sample();
        assertThat(result.row(0, "twitter", "sample-consumer").status(403)).as(run.toString()).isEqualTo(20);
        assertThat(result.row(1, "twitter", "sample-consumer").status(200)).as(run.toString()).isEqualTo(20);
        // One call found the lockout, one call after it got the bearer; everything else stayed local.
        assertThat(idp.tokenCalls("twitter")).isEqualTo(2);
        SummaryRow twitter = run.summary("twitter");
        assertThat(twitter.get("upstream")).isEqualTo(2);
        assertThat(twitter.get("cooldown")).isPositive();
        assertThat(run.stderr).contains("\"kind\":\"upstream_lockout\"");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("clientsNewestOnOtherJdks")
    void observeModeChangesNothingOnTheWireButCountsWhatEnforceWouldDo(Jdk jdk, Client client) throws Exception {
        jdk.assumeInstalled();
        String[] app = {"--idp", idp.baseUrl(), "--provider", "eloqua", "--users", "alice", "--threads", "4",
            "--iterations", "5"};
        JavaProcess.Result bare = client.applyTo(JavaProcess.on(jdk)).args(app).run();
        int bareCalls = idp.tokenCalls("eloqua");
        SampleResult.Row bareRow = bare.sample().row("eloqua", "alice");
        idp.reset();

        JavaProcess.Result observed = client.applyTo(JavaProcess.on(jdk).withAgent("mode=observe")
                .guardingLoopbackIdp()).args(app).run();

        SampleResult.Row observedRow = observed.sample().row("eloqua", "alice");
        assertThat(idp.tokenCalls("eloqua")).as(observed.toString()).isEqualTo(bareCalls).isEqualTo(20);
        assertThat(observedRow.statuses()).isEqualTo(bareRow.statuses());
        SummaryRow row = observed.summary("eloqua");
        assertThat(row.get("requests")).isEqualTo(20);
        assertThat(row.get("upstream")).isEqualTo(20);
        assertThat(row.get("sent")).isPositive();
        assertThat(row.get("w_cache") + row.get("w_coalesce")).isPositive();
        assertThat(row.get("sent") + row.get("w_cache") + row.get("w_coalesce") + row.get("w_throttle")).isEqualTo(20);
        assertThat(observed.stderr).contains("\"action\":\"observed\"").doesNotContain("\"action\":\"rejected\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aBadSettingLeavesTheAgentOffAndTheAppRunning(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        JavaProcess.Result run = guardedApp(jdk).property("tokenguard.endpoints.eloqua.limit", "5-per-minute")
                .args("--provider", "eloqua", "--users", "alice", "--threads", "2", "--iterations", "2").run();

        assertThat(run.stderr).contains("tokenguard.endpoints.eloqua.limit", "5-per-minute");
        // Unguarded: every request reached the IdP, which allowed one and refused the rest.
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(4);
        assertThat(run.sample().row("eloqua", "alice").status(429)).isEqualTo(3);
        assertThat(run.stderr).doesNotContain("tokenguard: summary");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void strictModeRefusesToStartOnABadSetting(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        JavaProcess.Result run = guardedApp(jdk).property("tokenguard.strict", "true")
                .property("tokenguard.endpoints.eloqua.limit", "5-per-minute")
                .args("--provider", "eloqua", "--users", "alice", "--threads", "1", "--iterations", "1").run();

        assertThat(run.exitCode).as(run.toString()).isNotZero();
        assertThat(run.stderr).contains("tokenguard.endpoints.eloqua.limit");
        assertThat(run.stdout).doesNotContain("SAMPLE-RESULT");
        assertThat(idp.tokenCalls("eloqua")).isZero();
    }
}
