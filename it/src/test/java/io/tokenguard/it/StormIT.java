package io.tokenguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The storm end to end: the unmodified sample app with 1,000 threads x 100 requests for one user's
 * token through the JDK's HttpURLConnection, with the agent, in one child JVM on the JDK running the
 * build (ClientScenariosIT covers the JDK and client matrix at 8 threads). One upstream call, every
 * request answered with the one token, no thread left behind. The TTL window (exactly one more call
 * once the answer expires) and an awaited thread baseline are proved in process with a fake clock
 * in the agent's GuardStormTest.
 */
class StormIT extends AgainstEmulatedIdp {
    private static final int THREADS = 1_000;
    private static final int ITERATIONS = 100;
    /** The JDK's reaper of idle keep-alive connections: the app starts it without the agent too, and it ends 5 s later. */
    private static final String JDK_KEEP_ALIVE_TIMER = "Keep-Alive-Timer";

    @Test
    void aThousandThreadsTimesAHundredRequestsForOneUserMakeOneUpstreamCall() throws Exception {
        Jdk jdk = Jdk.all().get(0);
        JavaProcess.Result run = guardedApp(jdk).args("--provider", "eloqua", "--users", "alice", "--api", "false",
                "--threads", Integer.toString(THREADS), "--iterations", Integer.toString(ITERATIONS), "--quiet").run();

        SampleResult result = run.sample();
        long requests = (long) THREADS * ITERATIONS;
        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(result.agentAttached()).isTrue();
        assertThat(idp.tokenCalls("eloqua", "alice")).as(run.toString()).isEqualTo(1);
        SampleResult.Row alice = result.row("eloqua", "alice");
        assertThat(alice.asked()).isEqualTo(requests);
        assertThat(alice.status(200)).as(alice.toString()).isEqualTo(requests);
        assertThat(alice.distinctTokens()).isEqualTo(1);
        SummaryRow eloqua = run.summary("eloqua");
        assertThat(eloqua.get("requests")).isEqualTo(requests);
        assertThat(eloqua.get("upstream")).isEqualTo(1);
        assertThat(eloqua.get("cache") + eloqua.get("coalesced")).isEqualTo(requests - 1);
        // Counted after every worker was joined: the agent started no thread that outlived the storm.
        assertThat(result.newLiveThreads()).as(result.toString()).isSubsetOf(JDK_KEEP_ALIVE_TIMER);
        System.out.printf("StormIT: %d threads x %d requests in %d ms (the app's own timing)%n", THREADS, ITERATIONS,
                result.elapsedMillis());
    }
}
