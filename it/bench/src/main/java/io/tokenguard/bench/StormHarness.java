package io.tokenguard.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Benchmark 4, a timed harness rather than JMH: JMH sums per-thread rates, which with hundreds of
 * threads on two cores reports several times the requests actually served. Here every request served
 * inside the measured window is counted once, and the rate is that count over the window's wall time.
 *
 * <p>Runs in an agent-attached JVM (BenchMain starts it): for each identity count, every identity is
 * fetched once (the only upstream calls, which is checked), then for each thread count the threads
 * send token requests through HttpURLConnection for a warm-up and a measured window. Prints one
 * {@code ROW identities threads requests/s cpu-µs/request} line per measurement.
 */
public final class StormHarness {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private StormHarness() {
    }

    /** Args: identity counts, thread counts (comma lists), warm-up seconds, measured seconds. */
    public static void main(String[] args) throws Exception {
        AgentState.verify();
        System.out.println("JVM " + System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version")
                + " (JDK " + System.getProperty("java.version") + ", " + System.getProperty("java.home") + ")");
        int[] identityCounts = ints(args[0]);
        int[] threadCounts = ints(args[1]);
        long warmupMillis = Long.parseLong(args[2]) * 1000;
        long measureMillis = Long.parseLong(args[3]) * 1000;
        try (LocalServer server = LocalServer.start(4)) {
            String url = server.url(LocalServer.TOKEN_PATH);
            int generation = 0;
            for (int identities : identityCounts) {
                // Fresh credentials per identity count, so each round starts with its own cache entries.
                generation++;
                long upstreamBefore = server.tokenCalls();
                String[] authorizations = new String[identities];
                UrlConnectionClient http = new UrlConnectionClient();
                for (int i = 0; i < identities; i++) {
                    authorizations[i] = "Basic " + Base64.getEncoder().encodeToString(
                            ("client-" + generation + "-" + i + ":secret-" + i).getBytes(StandardCharsets.UTF_8));
                    check(http.postForm(url, authorizations[i], "grant_type=client_credentials"));
                }
                for (int threads : threadCounts) {
                    double[] row = storm(url, authorizations, threads, warmupMillis, measureMillis);
                    System.out.printf(Locale.ROOT, "ROW %d %d %.0f %.2f%n", identities, threads, row[0], row[1]);
                }
                long upstream = server.tokenCalls() - upstreamBefore;
                if (AgentState.expected() && upstream != identities) {
                    throw new IllegalStateException("expected " + identities
                            + " upstream token calls (one per identity), saw " + upstream);
                }
            }
        }
    }

    /** Requests per second and process CPU µs per request over the measured window. */
    private static double[] storm(String url, String[] authorizations, int threads, long warmupMillis,
                                  long measureMillis) throws InterruptedException {
        LongAdder served = new LongAdder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Window window = new Window();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int start = t * 7919;
            Thread w = new Thread(() -> {
                UrlConnectionClient http = new UrlConnectionClient();
                int next = start;
                try {
                    while (!window.stop) {
                        check(http.postForm(url, authorizations[(next++ & Integer.MAX_VALUE) % authorizations.length],
                                "grant_type=client_credentials"));
                        if (window.measuring) {
                            served.increment();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    window.stop = true;
                }
            }, "storm-" + t);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
        // The warm-up and the measured window are the timer here, not a wait for something to happen.
        Thread.sleep(warmupMillis);
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        window.measuring = true;
        Thread.sleep(measureMillis);
        window.measuring = false;
        long t1 = System.nanoTime();
        long cpu1 = OS.getProcessCpuTime();
        long n = served.sum();
        window.stop = true;
        for (Thread w : workers) {
            w.join(60_000);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a storm thread failed", failure.get());
        }
        return new double[] {n / ((t1 - t0) / 1e9), n == 0 ? Double.NaN : (cpu1 - cpu0) / 1000.0 / n};
    }

    private static void check(int status) {
        if (status != 200) {
            throw new IllegalStateException("token request answered " + status);
        }
    }

    private static int[] ints(String list) {
        return java.util.Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static final class Window {
        volatile boolean measuring;
        volatile boolean stop;
    }
}
