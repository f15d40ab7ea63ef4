package io.tokenguard.it.fleet;

import io.tokenguard.it.Json;
import io.tokenguard.it.SampleResult;
import io.tokenguard.it.SummaryRow;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One JVM of the sample app with the agent, started with {@code --rounds-from-stdin} and kept running:
 * the test orders rounds through its stdin, reads each round's {@code SAMPLE-ROUND} line and the agent's
 * meters ({@code mbeans tokenguard}) between rounds, and watches its stderr (the agent's events). Always
 * stopped by {@link #close} (destroy, then destroyForcibly).
 */
public final class FleetJvm implements AutoCloseable {
    private static final long READY_SECONDS = 90;
    private static final long ROUND_SECONDS = 120;
    private static final String READY = "SAMPLE-READY";
    private static final String ROUND = "SAMPLE-ROUND ";
    private static final String ROUND_ERROR = "SAMPLE-ROUND-ERROR ";

    private final String name;
    private final List<String> command;
    private final Process process;
    private final BlockingQueue<String> protocol = new LinkedBlockingQueue<>();
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final Thread outPump;
    private final Thread errPump;
    private Integer exitCode;

    private FleetJvm(String name, List<String> command, Process process) {
        this.name = name;
        this.command = command;
        this.process = process;
        this.outPump = pump(process.getInputStream(), line -> {
            stdout.add(line);
            if (line.startsWith("SAMPLE-")) {
                protocol.add(line);
            }
        }, "out");
        this.errPump = pump(process.getErrorStream(), stderr::add, "err");
    }

    /** Starts it; {@link #awaitReady} waits for it to be ready for orders. */
    public static FleetJvm start(String name, List<String> command, Map<String, String> environment)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(environment);
        return new FleetJvm(name, command, pb.start());
    }

    private Thread pump(InputStream in, Consumer<String> sink, String stream) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // The process is gone.
            }
        }, name + "-" + stream);
        t.setDaemon(true);
        t.start();
        return t;
    }

    public String name() {
        return name;
    }

    public FleetJvm awaitReady() throws IOException, InterruptedException {
        next(READY, READY_SECONDS);
        return this;
    }

    /** Starts a round ({@code go}, or options for this round) without waiting for it. */
    public void order(String line) throws IOException {
        OutputStream o = process.getOutputStream();
        o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        o.flush();
    }

    /** The result of the round ordered last; waits for it and for the app to be ready again. */
    public SampleResult awaitRound() throws IOException, InterruptedException {
        String line = next(ROUND, ROUND_SECONDS);
        next(READY, ROUND_SECONDS);
        return SampleResult.parse(line.substring(ROUND.length()));
    }

    /** Orders one round and waits for its result. */
    public SampleResult round(String line) throws IOException, InterruptedException {
        order(line);
        return awaitRound();
    }

    /**
     * The agent's meters now, as JMX shows them: every tokenguard MBean's Count or Value by its object
     * name. Read from this JVM's platform MBean server by the app itself.
     */
    public Map<String, Double> meters() throws IOException, InterruptedException {
        order("mbeans tokenguard");
        Map<String, Double> meters = new LinkedHashMap<>();
        while (true) {
            String line = next("SAMPLE-", ROUND_SECONDS);
            if (line.equals("SAMPLE-MBEANS-END")) {
                return meters;
            }
            int eq = line.lastIndexOf('=');
            int space = line.lastIndexOf(' ', eq);
            int start = line.indexOf(' ') + 1;
            if (eq < 0 || space < start) {
                continue;
            }
            try {
                meters.put(line.substring(start, space), Double.parseDouble(line.substring(eq + 1)));
            } catch (NumberFormatException e) {
                meters.put(line.substring(start, space), Double.NaN);
            }
        }
    }

    /**
     * The one meter whose JMX name, lower-cased and stripped of everything but letters and digits,
     * contains every part (also so stripped), e.g. {@code meter("tokenguard.fleet.state")}; null when
     * there is none. More than one is an error.
     */
    public Double meter(String... parts) throws IOException, InterruptedException {
        Map<String, Double> all = meters();
        List<String> hits = new ArrayList<>();
        for (String n : all.keySet()) {
            String flat = flat(n);
            boolean every = true;
            for (String p : parts) {
                every &= flat.contains(flat(p));
            }
            if (every) {
                hits.add(n);
            }
        }
        if (hits.size() > 1) {
            throw new AssertionError(name + ": more than one meter matches " + List.of(parts) + ": " + hits);
        }
        return hits.isEmpty() ? null : all.get(hits.get(0));
    }

    /** The sum of every meter matching the parts as {@link #meter} does (0 when none). */
    public double meterSum(String... parts) throws IOException, InterruptedException {
        double sum = 0;
        for (Map.Entry<String, Double> e : meters().entrySet()) {
            String flat = flat(e.getKey());
            boolean every = true;
            for (String p : parts) {
                every &= flat.contains(flat(p));
            }
            if (every) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    private static String flat(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    private String next(String prefix, long seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : protocol.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError(name + " printed no " + prefix.trim() + " line in " + seconds + " s"
                        + (process.isAlive() ? "" : " (it exited " + process.exitValue() + ")") + "\n" + this);
            }
            if (line.startsWith(ROUND_ERROR)) {
                throw new AssertionError(name + " refused the order: " + line);
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** The agent's JSON event lines so far (stderr lines that are objects with a "tokenguard" field). */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> events() {
        List<Map<String, Object>> events = new ArrayList<>();
        for (String line : stderr) {
            String t = line.trim();
            if (t.startsWith("{") && t.contains("\"tokenguard\"")) {
                try {
                    events.add((Map<String, Object>) Json.parse(t));
                } catch (IllegalArgumentException notJson) {
                    // Some other line that happens to start with a brace.
                }
            }
        }
        return events;
    }

    public String stderr() {
        return String.join("\n", stderr);
    }

    public String stdout() {
        return String.join("\n", stdout);
    }

    /** Ends the app (quit), waits for it, and returns its exit code; stderr then holds the exit summary. */
    public int quit() throws IOException, InterruptedException {
        if (exitCode == null) {
            order("quit");
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " did not exit after quit\n" + this);
            }
            outPump.join(10_000);
            errPump.join(10_000);
            exitCode = process.exitValue();
        }
        return exitCode;
    }

    /** The agent's exit summary row for an endpoint; only after {@link #quit}. */
    public SummaryRow summary(String endpoint) {
        return SummaryRow.from(stderr(), endpoint);
    }

    /** Every thread's stack now (jstack), for a failure message when something hangs. */
    public String threadDump() {
        try {
            Process p = new ProcessBuilder(java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "jstack")
                    .toString(), Long.toString(process.pid())).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return dump;
        } catch (IOException e) {
            return "no thread dump: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no thread dump: interrupted";
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "--- " + name + ": " + String.join(" ", command) + "\n--- stdout ---\n" + stdout()
                + "\n--- stderr ---\n" + stderr();
    }
}
