package io.tokenguard.sample;

import io.tokenguard.sample.idp.EmulatedIdp;
import io.tokenguard.sample.idp.IdpOptions;
import io.tokenguard.sample.json.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar sample-app.jar fleet [--jvms N] ...}: the fleet problem and its fix in one command.
 * This process hosts one emulated IdP and starts one {@code redis-server}, then N JVMs of this app, each
 * with {@code -javaagent:tokenguard-agent.jar} in fleet mode on that Redis (one fleet key, given to them
 * as {@code TOKENGUARD_FLEET_KEY}, as a Kubernetes Secret would), all against that IdP. It releases them
 * at the same moment and prints what each JVM saw and what reached the IdP. With {@code --no-fleet} the
 * agents run alone, as before fleet mode: one sign-in per JVM, and Eloqua refuses all but the first.
 */
final class FleetDemo {
    static final String COMMAND = "fleet";
    static final String RESULT_PREFIX = "FLEET-RESULT ";
    static final String USAGE = String.join("\n",
            "usage: java -jar sample-app.jar fleet [--jvms N] [--agent JAR] [--redis-server PATH] [--no-fleet]",
            "         [--agent-option key=value ...] [--verbose] [workload options of the app]",
            "  --jvms N            JVMs of the app, default 4",
            "  --agent JAR         the agent, default agent/target/tokenguard-agent.jar beside this jar's module",
            "  --redis-server PATH default redis-server on the PATH (Debian: apt-get install redis-server)",
            "  --no-fleet          agents without Redis: each JVM on its own (the problem fleet mode solves)",
            "  --agent-option k=v  one more agent setting for every JVM (repeats), e.g. endpoints.eloqua.on-limit=delay",
            "  --verbose           pass every JVM's stderr (the agent's events and exit summary) through",
            "  workload options    as for the app, default --provider eloqua --users alice --threads 8 --iterations 25");
    private static final long START_SECONDS = 60;
    private static final long ROUND_SECONDS = 120;

    private FleetDemo() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        int jvms = 4;
        String agent = null;
        String redisServer = "redis-server";
        boolean fleet = true;
        boolean verbose = false;
        List<String> agentOptions = new ArrayList<>();
        List<String> workload = new ArrayList<>(List.of("--provider", "eloqua", "--users", "alice", "--threads", "8",
                "--iterations", "25"));
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--jvms":
                        jvms = positive("--jvms", value(args, ++i));
                        break;
                    case "--agent":
                        agent = value(args, ++i);
                        break;
                    case "--redis-server":
                        redisServer = value(args, ++i);
                        break;
                    case "--no-fleet":
                        fleet = false;
                        break;
                    case "--verbose":
                        verbose = true;
                        break;
                    case "--agent-option":
                        String option = value(args, ++i);
                        if (option.indexOf('=') <= 0) {
                            throw new IllegalArgumentException("--agent-option wants key=value, got " + option);
                        }
                        agentOptions.add(option);
                        break;
                    case "--help":
                        out.println(USAGE);
                        return SampleApp.EXIT_OK;
                    default:
                        workload.add(args[i]);
                }
            }
            // Checked here, once, rather than by each JVM.
            AppOptions checked = AppOptions.parse(workload.toArray(new String[0]));
            if (checked.idp != null || checked.roundsFromStdin || !checked.probes.isEmpty()) {
                throw new IllegalArgumentException("fleet starts its own IdP and rounds: no --idp, --probe or "
                        + "--rounds-from-stdin");
            }
            Path agentJar = agent != null ? Paths.get(agent) : defaultAgentJar();
            if (!Files.isRegularFile(agentJar)) {
                throw new IllegalArgumentException("no agent jar at " + agentJar
                        + " (build it with mvn -B -DskipTests package, or pass --agent)");
            }
            return new FleetDemo.Run(jvms, agentJar, redisServer, fleet, verbose, agentOptions, workload, checked,
                    out, err).go();
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return SampleApp.EXIT_USAGE;
        } catch (IOException e) {
            err.println("fleet: " + e.getMessage());
            return SampleApp.EXIT_ERRORS;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("interrupted");
            return SampleApp.EXIT_ERRORS;
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("missing value for " + args[i - 1]);
        }
        return args[i];
    }

    private static int positive(String name, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= 64) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new IllegalArgumentException(name + " wants a number from 1 to 64, got " + value);
    }

    /** Where this app runs from: the jar (sample-app/target/sample-app.jar) or its classes directory. */
    private static Path ownCodeSource() {
        try {
            return Paths.get(FleetDemo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** sample-app/target/sample-app.jar → agent/target/tokenguard-agent.jar of the same checkout, else ./agent/... */
    private static Path defaultAgentJar() {
        Path target = ownCodeSource().getParent();
        Path beside = target == null || target.getParent() == null || target.getParent().getParent() == null ? null
                : target.getParent().getParent().resolve("agent").resolve("target").resolve("tokenguard-agent.jar");
        if (beside != null && Files.isRegularFile(beside)) {
            return beside;
        }
        return Paths.get("agent", "target", "tokenguard-agent.jar").toAbsolutePath();
    }

    /** One demo run: everything it started is stopped in {@link #go}'s finally. */
    private static final class Run {
        private final int jvms;
        private final Path agentJar;
        private final String redisServer;
        private final boolean fleet;
        private final boolean verbose;
        private final List<String> agentOptions;
        private final List<String> workload;
        private final AppOptions options;
        private final PrintStream out;
        private final PrintStream err;

        Run(int jvms, Path agentJar, String redisServer, boolean fleet, boolean verbose, List<String> agentOptions,
                List<String> workload, AppOptions options, PrintStream out, PrintStream err) {
            this.jvms = jvms;
            this.agentJar = agentJar;
            this.redisServer = redisServer;
            this.fleet = fleet;
            this.verbose = verbose;
            this.agentOptions = agentOptions;
            this.workload = workload;
            this.options = options;
            this.out = out;
            this.err = err;
        }

        int go() throws IOException, InterruptedException {
            IdpOptions idpOptions = IdpOptions.defaults().withThreads(Math.max(16, jvms * options.threads + 8));
            List<Child> children = new ArrayList<>();
            RedisLauncher redis = null;
            try (EmulatedIdp idp = EmulatedIdp.start(idpOptions)) {
                String key = null;
                if (fleet) {
                    redis = RedisLauncher.start(redisServer);
                    byte[] secret = new byte[32];
                    new SecureRandom().nextBytes(secret);
                    key = Base64.getEncoder().encodeToString(secret);
                    out.println("fleet: redis-server at " + redis.uri() + ", one fleet key for all " + jvms + " JVMs");
                } else {
                    out.println("fleet: --no-fleet, each of the " + jvms + " agents on its own");
                }
                out.println("fleet: emulated IdP at " + idp.baseUrl() + "; app: " + String.join(" ", workload));
                for (int i = 1; i <= jvms; i++) {
                    children.add(Child.start(i, command(idp.baseUrl(), redis), key, verbose ? err : null));
                }
                for (Child c : children) {
                    c.await(StdinRounds.READY, START_SECONDS);
                }
                // All at once: the collisions between JVMs are the point.
                for (Child c : children) {
                    c.send("go");
                }
                List<Map<String, Object>> rounds = new ArrayList<>();
                for (Child c : children) {
                    String line = c.await(StdinRounds.ROUND_PREFIX, ROUND_SECONDS);
                    rounds.add(object(line.substring(StdinRounds.ROUND_PREFIX.length())));
                }
                for (Child c : children) {
                    c.send("quit");
                }
                for (Child c : children) {
                    c.awaitExit();
                }
                return report(idp, rounds, children);
            } finally {
                for (Child c : children) {
                    c.stop();
                }
                if (redis != null) {
                    redis.close();
                }
            }
        }

        private List<String> command(String idpUrl, RedisLauncher redis) {
            List<String> c = new ArrayList<>();
            c.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            c.add("-javaagent:" + agentJar);
            // The built-in eloqua and twitter rules, pointed at the emulated IdP on loopback.
            c.add("-Dtokenguard.endpoints.eloqua.url=http://127.0.0.1:*/auth/oauth2/token");
            c.add("-Dtokenguard.endpoints.twitter.url=http://127.0.0.1:*/oauth2/token");
            if (redis != null) {
                c.add("-Dtokenguard.fleet.redis.uri=" + redis.uri());
            }
            for (String option : agentOptions) {
                c.add("-D" + (option.startsWith("tokenguard.") ? option : "tokenguard." + option));
            }
            c.add("-cp");
            c.add(ownCodeSource().toString());
            c.add(SampleApp.class.getName());
            c.add("--idp");
            c.add(idpUrl);
            c.add("--rounds-from-stdin");
            c.add("--quiet");
            c.addAll(workload);
            return c;
        }

        @SuppressWarnings("unchecked")
        private int report(EmulatedIdp idp, List<Map<String, Object>> rounds, List<Child> children) {
            String format = "%-6s %-8s %-16s %7s %9s %-24s %15s%n";
            out.printf(format, "jvm", "provider", "identity", "asked", "token 2xx", "other statuses", "distinct tokens");
            long errors = 0;
            long requests = 0;
            Map<String, java.util.Set<Object>> tokens = new TreeMap<>();
            for (int i = 0; i < rounds.size(); i++) {
                Map<String, Object> round = rounds.get(i);
                errors += ((Number) round.get("errors")).longValue();
                for (Object o : (List<Object>) round.get("rows")) {
                    Map<String, Object> row = (Map<String, Object>) o;
                    Map<String, Object> statuses = (Map<String, Object>) row.get("statuses");
                    long ok = 0;
                    StringBuilder other = new StringBuilder();
                    for (Map.Entry<String, Object> s : statuses.entrySet()) {
                        if (s.getKey().startsWith("2")) {
                            ok += ((Number) s.getValue()).longValue();
                        } else {
                            other.append(other.length() > 0 ? " " : "").append(s.getKey()).append('x').append(s.getValue());
                        }
                    }
                    requests += ((Number) row.get("asked")).longValue();
                    String id = row.get("provider") + "/" + row.get("identity");
                    tokens.computeIfAbsent(id, k -> new java.util.TreeSet<>()).addAll((List<Object>) row.get("tokens"));
                    out.printf(format, "jvm-" + (i + 1), row.get("provider"), row.get("identity"), row.get("asked"), ok,
                            other.length() == 0 ? "-" : other.toString(), row.get("distinctTokens"));
                }
            }
            StringBuilder calls = new StringBuilder();
            StringBuilder json = new StringBuilder("{\"fleet\":").append(fleet).append(",\"jvms\":").append(jvms)
                    .append(",\"requests\":").append(requests).append(",\"errors\":").append(errors)
                    .append(",\"idpCalls\":{");
            boolean first = true;
            for (String id : tokens.keySet()) {
                String[] parts = id.split("/", 2);
                int n = idp.tokenCalls(parts[0], AppOptions.userName(parts[1]));
                calls.append(first ? "" : ", ").append(id).append('=').append(n);
                json.append(first ? "" : ",").append(io.tokenguard.sample.json.Json.quote(id)).append(':').append(n);
                first = false;
            }
            json.append("},\"distinctTokens\":{");
            first = true;
            for (Map.Entry<String, java.util.Set<Object>> e : tokens.entrySet()) {
                json.append(first ? "" : ",").append(io.tokenguard.sample.json.Json.quote(e.getKey())).append(':')
                        .append(e.getValue().size());
                first = false;
            }
            json.append("}}");
            out.println("fleet: " + jvms + " JVMs made " + requests + " token requests; the IdP counted " + calls
                    + "; errors the apps saw: " + errors);
            for (Child c : children) {
                if (c.exitCode != 0 && !verbose) {
                    String[] lines = c.stderr().split("\n");
                    int shown = Math.min(lines.length, 12);
                    err.println("jvm-" + c.number + " exited " + c.exitCode + "; the first " + shown + " of the "
                            + lines.length + " lines of its stderr (--verbose shows all):");
                    for (int l = 0; l < shown; l++) {
                        err.println("  " + lines[l]);
                    }
                }
            }
            out.println(RESULT_PREFIX + json);
            out.flush();
            return errors == 0 ? SampleApp.EXIT_OK : SampleApp.EXIT_ERRORS;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String json) {
        return (Map<String, Object>) JsonParser.parse(json);
    }

    /** One JVM of the app, ordered about through its stdin. */
    private static final class Child {
        final int number;
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final StringBuffer stderr = new StringBuffer();
        int exitCode = -1;

        private Child(int number, Process process) {
            this.number = number;
            this.process = process;
        }

        static Child start(int number, List<String> command, String fleetKey, PrintStream passThrough)
                throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command);
            if (fleetKey != null) {
                pb.environment().put("TOKENGUARD_FLEET_KEY", fleetKey);
            }
            Child c = new Child(number, pb.start());
            c.pump(c.process.getInputStream(), line -> c.lines.add(line), "out");
            c.pump(c.process.getErrorStream(), line -> {
                c.stderr.append(line).append('\n');
                if (passThrough != null) {
                    passThrough.println("jvm-" + number + " | " + line);
                }
            }, "err");
            return c;
        }

        private void pump(InputStream in, java.util.function.Consumer<String> sink, String name) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        sink.accept(line);
                    }
                } catch (IOException e) {
                    // The process is gone.
                }
            }, "fleet-jvm-" + number + "-" + name);
            t.setDaemon(true);
            t.start();
        }

        String await(String prefix, long seconds) throws InterruptedException, IOException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new IOException("jvm-" + number + " did not print " + prefix.trim() + " in " + seconds
                            + " s" + (process.isAlive() ? "" : " (it exited " + process.exitValue() + ")")
                            + "; its stderr:\n" + stderr);
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }

        void send(String line) throws IOException {
            OutputStream o = process.getOutputStream();
            o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
        }

        void awaitExit() throws InterruptedException {
            if (process.waitFor(30, TimeUnit.SECONDS)) {
                exitCode = process.exitValue();
            }
        }

        String stderr() {
            return stderr.toString();
        }

        void stop() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }
}
