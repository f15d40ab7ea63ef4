package io.tokenguard.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Load mode (--load-seconds N): every thread repeats the app's careless iteration, a fresh token
 * before every API call, until N seconds are up. A load test in miniature: run it with the agent's
 * guardrail to see whether the app would have hammered the identity provider.
 */
final class LoadRound {
    private LoadRound() {
    }

    static Tally run(Workload workload, AppOptions options) throws InterruptedException {
        Tally tally = new Tally(options);
        CountDownLatch startGate = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < options.threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    startGate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                // At least one pass each, then as many as fit before the deadline.
                do {
                    workload.iteration(tally);
                } while (System.nanoTime() - deadline[0] < 0);
            }, "sample-load-" + t);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
        deadline[0] = System.nanoTime() + options.loadSeconds * 1_000_000_000L;
        // Released together, as in a round: the first requests of every thread collide.
        startGate.countDown();
        for (Thread w : workers) {
            w.join();
        }
        return tally;
    }
}
