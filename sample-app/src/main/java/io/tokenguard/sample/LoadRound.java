package io.tokenguard.sample;

/**
 * Load mode (--load-seconds N): every thread repeats the app's careless iteration, a fresh token
 * before every API call, until N seconds are up. A load test in miniature: run it with the agent's
 * guardrail to see whether the app would have hammered the identity provider.
 */
final class LoadRound {
    private LoadRound() {
    }

    static Tally run(Workload workload, AppOptions options) throws InterruptedException {
        // Set when the threads are released (the latch publishes it to them).
        long[] deadline = new long[1];
        // At least one pass each, then as many as fit before the deadline.
        return workload.runThreads(pass -> pass == 0 || System.nanoTime() - deadline[0] < 0,
                () -> deadline[0] = System.nanoTime() + options.loadSeconds * 1_000_000_000L);
    }
}
