package io.tokenguard.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the JMH benchmarks the way the numbers must be read: every measurement with the agent next to
 * one without it, in forks that alternate (base, agent, agent, base, ...) so drifting machine load hits
 * both sides alike, and writes the table with the machine it ran on to {@code it/bench/results}.
 *
 * <pre>
 * java -jar it/bench/target/tokenguard-bench.jar overhead|cachehit|storm|all [--forks 2] [--warmup 5]
 *      [--iterations 5] [--seconds 1] [--clients a,b] [--threads 1,8,64,512] [--jvm path/to/java]
 *      [--agent agent/target/tokenguard-agent.jar] [--out it/bench/results] [--note "text"]
 * </pre>
 */
public final class BenchMain {
    private static final List<String> CLIENTS = List.of("urlconnection", "jdkhttp", "okhttp", "apache4", "apache5",
            "jetty", "reactor-netty", "vertx");

    private final Settings settings;
    private final Report report;

    private BenchMain(Settings settings, Report report) {
        this.settings = settings;
        this.report = report;
    }

    public static void main(String[] args) throws Exception {
        Settings s = Settings.parse(args);
        List<String> suites = s.suite.equals("all") ? List.of("overhead", "cachehit", "storm") : List.of(s.suite);
        for (String suite : suites) {
            Report report = new Report(suite, s);
            BenchMain main = new BenchMain(s, report);
            switch (suite) {
                case "overhead":
                    main.overhead();
                    break;
                case "cachehit":
                    main.cacheHit();
                    break;
                case "storm":
                    main.storm();
                    break;
                default:
                    throw new IllegalArgumentException("unknown suite " + suite + " (overhead, cachehit, storm, all)");
            }
            Path file = report.write();
            System.out.println("wrote " + file);
        }
    }

    /** Benchmark 1: non-token requests per client, and openConnection alone, agent vs none. */
    private void overhead() throws RunnerException {
        report.line("## Non-token request, loopback GET, average time per request (lower is better)");
        report.line("");
        report.line("| client | wall µs/request without / with | wall ratio | per-fork wall ratios "
                + "| CPU µs/request without / with | CPU ratio | allocated B/request without / with |");
        report.line("|---|---:|---:|---|---:|---:|---:|");
        for (String client : settings.clients) {
            Paired p = paired(NonTokenRequestBench.class, "request", "client", client);
            report.line(String.format(Locale.ROOT, "| %s | %.2f / %.2f | %.4f | %s | %.2f / %.2f | %.4f | %.0f / %.0f |",
                    client, p.base.mean(), p.agent.mean(), p.agent.mean() / p.base.mean(), p.perForkRatios(),
                    p.base.cpuPerOp(), p.agent.cpuPerOp(), p.agent.cpuPerOp() / p.base.cpuPerOp(),
                    p.base.allocatedPerOp(), p.agent.allocatedPerOp()));
        }
        report.line("");
        report.line("## Fast path alone: `URL.openConnection()` without connecting (lower is better)");
        report.line("");
        report.line("| URL | wall ns/call without / with | wall ratio | per-fork wall ratios "
                + "| CPU ns/call without / with | CPU ratio | allocated B/call without / with |");
        report.line("|---|---:|---:|---|---:|---:|---:|");
        for (String method : List.of("apiUrl", "tokenLikeUrl")) {
            Paired p = paired(OpenConnectionBench.class, method, null, null);
            report.line(String.format(Locale.ROOT, "| %s | %.1f / %.1f | %.4f | %s | %.1f / %.1f | %.4f | %.0f / %.0f |",
                    method, p.base.mean(), p.agent.mean(), p.agent.mean() / p.base.mean(), p.perForkRatios(),
                    p.base.cpuPerOp() * 1000, p.agent.cpuPerOp() * 1000, p.agent.cpuPerOp() / p.base.cpuPerOp(),
                    p.base.allocatedPerOp(), p.agent.allocatedPerOp()));
        }
        report.line("");
        report.line("`apiUrl` = `http://127.0.0.1:8080/api/v2/customers/42`; `tokenLikeUrl` = "
                + "`https://api.example.com/oauth2/token` (last segment `token` passes the catalog's pre-filter, "
                + "so every built-in pattern is tried). Target: ratio ≤ 1.01.");
    }

    /** Benchmark 2: a token request answered from the cache vs a real round trip to the emulated IdP. */
    private void cacheHit() throws RunnerException {
        report.line("## Token request: real round trip to the emulated IdP (no agent) vs cache hit (agent)");
        report.line("");
        report.line("| client | round trip p50 / p99 / mean (µs) | cache hit p50 / p99 / mean (µs) | speed-up (p50) "
                + "| speed-up (mean) | CPU µs/request round trip / cache hit | speed-up (CPU) | allocated B/request round trip / cache hit |");
        report.line("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (String client : settings.clients) {
            Paired p = paired(CacheHitBench.class, "token", "client", client);
            report.line(String.format(Locale.ROOT,
                    "| %s | %.1f / %.1f / %.1f | %.2f / %.2f / %.2f | %.1f× | %.1f× | %.2f / %.2f | %.1f× | %.0f / %.0f |",
                    client, p.base.p50(), p.base.p99(), p.base.mean(), p.agent.p50(), p.agent.p99(), p.agent.mean(),
                    p.base.p50() / p.agent.p50(), p.base.mean() / p.agent.mean(), p.base.cpuPerOp(),
                    p.agent.cpuPerOp(), p.base.cpuPerOp() / p.agent.cpuPerOp(), p.base.allocatedPerOp(),
                    p.agent.allocatedPerOp()));
        }
        report.line("");
        report.line("JMH SampleTime; percentiles are the mean over forks of each fork's percentile. "
                + "Targets: cache hit ≥ 100× faster, p50 ≤ 20 µs for HttpURLConnection.");
    }

    /** Benchmark 4: cache hits per second through HttpURLConnection under many threads, agent only. */
    private void storm() throws IOException, InterruptedException {
        report.line("## Storm: token requests answered per second, HttpURLConnection, agent attached, all cache hits");
        report.line("");
        report.line("| identities | threads | requests/s (mean over runs) | per run | CPU µs/request per run |");
        report.line("|---:|---:|---:|---|---|");
        List<List<String[]>> runs = new ArrayList<>();
        for (int f = 0; f < settings.forks; f++) {
            runs.add(stormRun());
        }
        for (int row = 0; row < runs.get(0).size(); row++) {
            String[] first = runs.get(0).get(row);
            double sum = 0;
            StringBuilder rates = new StringBuilder();
            StringBuilder cpu = new StringBuilder();
            for (List<String[]> run : runs) {
                String[] r = run.get(row);
                sum += Double.parseDouble(r[3]);
                rates.append(rates.length() == 0 ? "" : ", ").append(r[3]);
                cpu.append(cpu.length() == 0 ? "" : ", ").append(r[4]);
            }
            report.line(String.format(Locale.ROOT, "| %s | %s | %.0f | %s | %s |", first[1], first[2], sum / runs.size(),
                    rates, cpu));
        }
        report.line("");
        report.line("Timed harness (StormHarness), " + settings.forks + " JVM run(s), " + settings.warmup
                + " s warm-up and " + settings.iterations * settings.seconds + " s measured per row; each identity "
                + "is fetched once first and the run fails unless the token server saw exactly one call per identity. "
                + "Identities: distinct client credentials (Basic header), so distinct cache entries.");
    }

    /** One agent-attached JVM running StormHarness; its ROW lines. */
    private List<String[]> stormRun() throws IOException, InterruptedException {
        String javaBin = settings.jvm != null ? settings.jvm
                : Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String jar = Paths.get(URI.create(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toString()))
                .toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xms512m", "-Xmx512m", "-javaagent:" + settings.agent,
                "-D" + AgentState.PROPERTY + "=true",
                "-Dtokenguard.endpoints.bench.url=http://127.0.0.1:*" + LocalServer.TOKEN_PATH,
                "-cp", jar, StormHarness.class.getName(), "1,1000",
                settings.threads.stream().map(String::valueOf).collect(Collectors.joining(",")),
                String.valueOf(settings.warmup), String.valueOf(settings.iterations * settings.seconds)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String[]> rows = new ArrayList<>();
        StringBuilder output = new StringBuilder();
        try (java.io.BufferedReader in = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.startsWith("JVM ")) {
                    report.jvm = line.substring(4);
                }
                if (line.startsWith("ROW ")) {
                    rows.add(line.split(" "));
                    System.out.println("StormHarness " + line);
                }
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("StormHarness failed:\n" + output);
        }
        return rows;
    }

    private Paired paired(Class<?> type, String method, String param, String value) throws RunnerException {
        Paired p = new Paired();
        for (int f = 0; f < settings.forks; f++) {
            boolean agentFirst = f % 2 == 1;
            p.record(run(type, method, param, value, agentFirst, 1), agentFirst);
            p.record(run(type, method, param, value, !agentFirst, 1), !agentFirst);
        }
        return p;
    }

    private RunResult run(Class<?> type, String method, String param, String value, boolean agent, int threads)
            throws RunnerException {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include("^" + Pattern.quote(type.getName() + "." + method) + "$")
                .forks(1)
                .threads(threads)
                .warmupIterations(settings.warmup)
                .warmupTime(TimeValue.seconds(settings.seconds))
                .measurementIterations(settings.iterations)
                .measurementTime(TimeValue.seconds(settings.seconds))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .jvmArgs("-Xms512m", "-Xmx512m")
                // Bytes allocated per operation: unlike time, not blurred by other load on the machine.
                .addProfiler(GCProfiler.class)
                // CPU per operation: what a request costs, whatever else the machine is running.
                .addProfiler(CpuPerOpProfiler.class);
        if (settings.jvm != null) {
            o.jvm(settings.jvm);
        }
        if (param != null) {
            o.param(param, value);
        }
        if (agent) {
            o.jvmArgsAppend("-javaagent:" + settings.agent, "-D" + AgentState.PROPERTY + "=true",
                    // The emulated IdP's Twitter endpoint and the storm's token server, both on loopback.
                    "-Dtokenguard.endpoints.twitter.url=http://127.0.0.1:*/oauth2/token",
                    "-Dtokenguard.endpoints.bench.url=http://127.0.0.1:*" + LocalServer.TOKEN_PATH);
        } else {
            o.jvmArgsAppend("-D" + AgentState.PROPERTY + "=false");
        }
        String label = type.getSimpleName() + "." + method + (param == null ? "" : " " + param + "=" + value)
                + (threads > 1 ? " threads=" + threads : "") + (agent ? " [agent]" : " [none]");
        List<RunResult> results = new ArrayList<>(new Runner(o.build()).run());
        if (results.size() != 1) {
            throw new IllegalStateException(label + ": expected one result, got " + results.size()
                    + " (a benchmark failed? rerun with the JMH jar directly to see its error)");
        }
        RunResult r = results.get(0);
        report.noteJvm(r);
        System.out.printf(Locale.ROOT, "%-60s %12.3f %s%n", label, r.getPrimaryResult().getScore(),
                r.getPrimaryResult().getScoreUnit());
        return r;
    }

    /** Command-line settings. */
    static final class Settings {
        String suite;
        int forks = 2;
        int warmup = 5;
        int iterations = 5;
        int seconds = 1;
        List<String> clients = CLIENTS;
        List<Integer> threads = List.of(1, 8, 64, 512);
        String jvm;
        Path agent = Paths.get("agent/target/tokenguard-agent.jar");
        Path out = Paths.get("it/bench/results");
        String note = "";
        String commandLine;

        static Settings parse(String[] args) {
            if (args.length == 0) {
                throw new IllegalArgumentException("usage: overhead|cachehit|storm|all [options], see BenchMain");
            }
            Settings s = new Settings();
            s.suite = args[0];
            s.commandLine = String.join(" ", args);
            for (int i = 1; i < args.length; i += 2) {
                String v = args[i + 1];
                switch (args[i]) {
                    case "--forks": s.forks = Integer.parseInt(v); break;
                    case "--warmup": s.warmup = Integer.parseInt(v); break;
                    case "--iterations": s.iterations = Integer.parseInt(v); break;
                    case "--seconds": s.seconds = Integer.parseInt(v); break;
                    case "--clients": s.clients = Arrays.asList(v.split(",")); break;
                    case "--threads":
                        s.threads = Arrays.stream(v.split(",")).map(Integer::valueOf).collect(Collectors.toList());
                        break;
                    case "--jvm": s.jvm = v; break;
                    case "--agent": s.agent = Paths.get(v); break;
                    case "--out": s.out = Paths.get(v); break;
                    case "--note": s.note = v; break;
                    default: throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            s.agent = s.agent.toAbsolutePath().normalize();
            if (!Files.isRegularFile(s.agent)) {
                throw new IllegalArgumentException("no agent jar at " + s.agent + " (mvn -B -DskipTests package)");
            }
            return s;
        }
    }

    /** The forks of one measurement with and without the agent. */
    private static final class Paired {
        final Series base = new Series();
        final Series agent = new Series();

        void record(RunResult r, boolean withAgent) {
            (withAgent ? agent : base).add(r);
        }

        String perForkRatios() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < Math.min(base.results.size(), agent.results.size()); i++) {
                b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f",
                        agent.results.get(i).getPrimaryResult().getScore()
                                / base.results.get(i).getPrimaryResult().getScore()));
            }
            return b.toString();
        }
    }

    /** Results of one side over its forks. */
    private static final class Series {
        final List<RunResult> results = new ArrayList<>();

        void add(RunResult r) {
            results.add(r);
        }

        double mean() {
            return results.stream().mapToDouble(r -> r.getPrimaryResult().getScore()).average().orElse(Double.NaN);
        }

        /** JMH's gc.alloc.rate.norm: bytes allocated per benchmark operation, mean over forks. */
        double allocatedPerOp() {
            return secondary("gc.alloc.rate.norm");
        }

        /** Process CPU µs per operation ({@link CpuPerOpProfiler}), mean over forks. */
        double cpuPerOp() {
            return secondary(CpuPerOpProfiler.NAME);
        }

        private double secondary(String name) {
            return results.stream().mapToDouble(r -> {
                for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
                    if (e.getKey().endsWith(name)) {
                        return e.getValue().getScore();
                    }
                }
                return Double.NaN;
            }).average().orElse(Double.NaN);
        }

        String cpuScores() {
            StringBuilder b = new StringBuilder();
            for (RunResult r : results) {
                Series one = new Series();
                one.add(r);
                b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", one.cpuPerOp()));
            }
            return b.toString();
        }

        double p50() {
            return percentile(50);
        }

        double p99() {
            return percentile(99);
        }

        private double percentile(double p) {
            return results.stream().mapToDouble(r -> r.getPrimaryResult().getStatistics().getPercentile(p))
                    .average().orElse(Double.NaN);
        }

        String scores() {
            StringBuilder b = new StringBuilder();
            for (RunResult r : results) {
                b.append(b.length() == 0 ? "" : ", ")
                        .append(String.format(Locale.ROOT, "%.0f", r.getPrimaryResult().getScore()));
            }
            return b.toString();
        }
    }

    /** The results file: the machine, the load it was under, the settings, then the tables. */
    private static final class Report {
        private final String suite;
        private final Settings settings;
        private final String loadBefore = loadAverage();
        private final Instant started = Instant.now();
        private final List<String> lines = new ArrayList<>();
        private String jvm = "";


        Report(String suite, Settings settings) {
            this.suite = suite;
            this.settings = settings;
        }

        void line(String s) {
            lines.add(s);
        }

        void noteJvm(RunResult r) {
            jvm = r.getParams().getVmName() + " " + r.getParams().getVmVersion() + " (JDK "
                    + r.getParams().getJdkVersion() + ", " + r.getParams().getJvm() + ")";
        }

        Path write() throws IOException {
            String feature = jvm.replaceAll(".*\\(JDK (\\d+).*", "$1");
            List<String> out = new ArrayList<>();
            out.add("# TokenGuard benchmark: " + suite);
            out.add("");
            out.add("- command: `java -jar it/bench/target/tokenguard-bench.jar " + settings.commandLine + "`");
            out.add("- started " + started + ", took " + (Instant.now().getEpochSecond() - started.getEpochSecond()) + " s");
            out.add("- machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + memTotal() + ", "
                    + cpuModel() + ", " + System.getProperty("os.name") + " " + System.getProperty("os.version"));
            out.add("- JVM: " + jvm);
            out.add("- load average (1/5/15 min) before: " + loadBefore + "; after: " + loadAverage());
            out.add("- JMH 1.37, per measurement: " + settings.forks + " fork(s) per side, alternating base/agent, "
                    + settings.warmup + " × " + settings.seconds + " s warm-up, " + settings.iterations + " × "
                    + settings.seconds + " s measured, -Xmx512m");
            if (!settings.note.isEmpty()) {
                out.add("- note: " + settings.note);
            }
            out.add("");
            out.addAll(lines);
            Files.createDirectories(settings.out);
            Path file = settings.out.resolve(suite + "-jdk" + feature + ".md");
            Files.write(file, out, StandardCharsets.UTF_8);
            return file;
        }

        private static String loadAverage() {
            return firstLine(Paths.get("/proc/loadavg")).replaceAll("^(\\S+ \\S+ \\S+).*", "$1").replace(' ', '/');
        }

        private static String memTotal() {
            String m = firstLine(Paths.get("/proc/meminfo")).replaceAll("\\D+", "");
            return m.isEmpty() ? "memory unknown" : (Long.parseLong(m) / 1024 / 1024) + " GiB RAM";
        }

        private static String cpuModel() {
            try {
                return Files.readAllLines(Paths.get("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                        .map(l -> l.replaceAll("^[^:]*:\\s*", "")).findFirst().orElse("cpu unknown");
            } catch (IOException e) {
                return "cpu unknown";
            }
        }

        private static String firstLine(Path p) {
            try {
                return Files.readAllLines(p).get(0);
            } catch (IOException | IndexOutOfBoundsException e) {
                return "";
            }
        }
    }
}
