package io.tokenguard.it.libraries;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A careless app's load in a runner JVM: threads x calls of one token request, all threads released at
 * once; the outcomes (ok, or the exception's simple name) counted, and the distinct tokens.
 */
final class CarelessCalls {
    private CarelessCalls() {
    }

    /** Runs the calls and returns {@code case <label> <outcome>=<count>... tokens=<distinct>}. */
    static String run(String label, int threads, int calls, Callable<String> tokenRequest) throws InterruptedException {
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        Map<String, Boolean> tokens = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < calls; i++) {
                    String outcome;
                    try {
                        tokens.put(tokenRequest.call(), Boolean.TRUE);
                        outcome = "ok";
                    } catch (ExecutionException e) {
                        outcome = e.getCause().getClass().getSimpleName();
                    } catch (Exception e) {
                        outcome = e.getClass().getSimpleName();
                    }
                    outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                }
            });
            workers[t].start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        StringBuilder line = new StringBuilder("case ").append(label);
        new TreeMap<>(outcomes).forEach((o, c) -> line.append(' ').append(o).append('=').append(c.get()));
        return line.append(" tokens=").append(tokens.size()).toString();
    }
}
