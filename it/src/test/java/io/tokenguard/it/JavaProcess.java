package io.tokenguard.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the sample app in a child JVM, with or without the agent, and always reaps it. */
public final class JavaProcess {
    public static final Path AGENT_JAR = Paths.get(System.getProperty("tokenguard.it.agentJar",
            "../agent/target/tokenguard-agent.jar")).toAbsolutePath().normalize();
    public static final Path SAMPLE_JAR = Paths.get(System.getProperty("tokenguard.it.sampleJar",
            "../sample-app/target/sample-app.jar")).toAbsolutePath().normalize();
    /** The same app repackaged by Spring Boot: its client libraries nested under BOOT-INF/lib. */
    public static final Path SAMPLE_BOOT_JAR = Paths.get(System.getProperty("tokenguard.it.sampleBootJar",
            "../sample-app/target/sample-app-boot.jar")).toAbsolutePath().normalize();
    private static final long TIMEOUT_SECONDS = 120;

    private final Jdk jdk;
    private boolean agent;
    private Path agentJar = AGENT_JAR;
    private String agentArgs;
    private final Map<String, String> systemProperties = new LinkedHashMap<>();
    private final List<String> appArgs = new ArrayList<>();
    private final List<Path> libraries = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private boolean childLoader;
    private boolean springBootJar;
    private List<Path> launcherClassPath;
    private List<String> launcher;
    private final List<Path> agentsBefore = new ArrayList<>();
    private final List<Path> agentsAfter = new ArrayList<>();
    private String stdin;

    private JavaProcess(Jdk jdk) {
        this.jdk = jdk;
    }

    public static JavaProcess on(Jdk jdk) {
        return new JavaProcess(jdk);
    }

    public JavaProcess withAgent() {
        this.agent = true;
        return this;
    }

    /** Attaches this jar instead of the built one (e.g. a damaged copy). */
    public JavaProcess withAgentJar(Path jar) {
        this.agent = true;
        this.agentJar = jar;
        return this;
    }

    public JavaProcess withAgent(String args) {
        this.agent = true;
        this.agentArgs = args;
        return this;
    }

    /** Points the built-in eloqua and twitter rules at an emulated IdP on loopback. */
    public JavaProcess guardingLoopbackIdp() {
        return property("tokenguard.endpoints.eloqua.url", "http://127.0.0.1:*/auth/oauth2/token")
                .property("tokenguard.endpoints.twitter.url", "http://127.0.0.1:*/oauth2/token");
    }

    public JavaProcess property(String key, String value) {
        systemProperties.put(key, value);
        return this;
    }

    /** Runs the sample app with these jars beside it (a client library version of the matrix). */
    public JavaProcess libraries(List<Path> jars) {
        libraries.addAll(jars);
        return this;
    }

    /** Loads the sample app and its libraries in a child class loader (ChildLoaderMain), like a container. */
    public JavaProcess inChildClassLoader() {
        this.childLoader = true;
        return this;
    }

    /** Runs this main class from this class path instead of the sample app. */
    public JavaProcess main(String className, String path) {
        List<Path> entries = new ArrayList<>();
        for (String entry : path.split(java.io.File.pathSeparator)) {
            entries.add(Paths.get(entry));
        }
        return launcher(entries, className);
    }

    /** Runs {@code java -jar sample-app-boot.jar}: Spring Boot's launcher loads the app and its libraries. */
    public JavaProcess asSpringBootJar() {
        this.springBootJar = true;
        return this;
    }

    /**
     * Runs {@code java -cp <classPath> <mainClass> <launcherArgs> <app args>} instead of the sample app's
     * own main: a launcher (such as a container) that loads the app from elsewhere.
     */
    public JavaProcess launcher(List<Path> classPath, String mainClass, String... launcherArgs) {
        this.launcherClassPath = classPath;
        this.launcher = new ArrayList<>();
        launcher.add(mainClass);
        launcher.addAll(Arrays.asList(launcherArgs));
        return this;
    }

    /**
     * Another -javaagent on the command line, before TokenGuard's or after it: the JVM runs the agents'
     * premain methods in command-line order, so each order is another set-up to test.
     */
    public JavaProcess otherAgent(Path jar, boolean beforeTokenGuard) {
        (beforeTokenGuard ? agentsBefore : agentsAfter).add(jar);
        return this;
    }

    /** Writes this text to the app's standard input, then closes it (without it, stdin is closed at once). */
    public JavaProcess stdin(String text) {
        this.stdin = text;
        return this;
    }

    public JavaProcess jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    public JavaProcess args(String... args) {
        appArgs.addAll(Arrays.asList(args));
        return this;
    }

    public Result run() throws IOException, InterruptedException {
        List<String> command = command();
        Process process = new ProcessBuilder(command).start();
        try {
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            try (java.io.OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                // What it was doing (its threads, from the JDK's jcmd) and what it had printed.
                String threads = threadDump(process);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("child JVM did not finish in " + TIMEOUT_SECONDS + " s: " + command
                        + "\n--- stdout, last part ---\n" + tail(out) + "\n--- stderr, last part ---\n" + tail(err)
                        + "\n--- its threads ---\n" + threads);
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The command line {@link #run} starts: the JDK's java, the agent, the properties and options, the app. */
    public List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(jdk.javaExecutable().toString());
        agentsBefore.forEach(jar -> command.add("-javaagent:" + jar));
        if (agent) {
            command.add("-javaagent:" + agentJar + (agentArgs == null ? "" : "=" + agentArgs));
        }
        agentsAfter.forEach(jar -> command.add("-javaagent:" + jar));
        systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(jvmOptions);
        if (launcher != null) {
            command.add("-cp");
            command.add(launcherClassPath.stream().map(Path::toString)
                    .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
            command.addAll(launcher);
        } else if (springBootJar) {
            command.add("-jar");
            command.add(SAMPLE_BOOT_JAR.toString());
        } else if (childLoader) {
            StringBuilder cp = new StringBuilder(SAMPLE_JAR.toString());
            libraries.forEach(jar -> cp.append(java.io.File.pathSeparatorChar).append(jar));
            command.add("-cp");
            command.add(SAMPLE_JAR.toString());
            command.add("io.tokenguard.sample.ChildLoaderMain");
            command.add(cp.toString());
        } else if (libraries.isEmpty()) {
            command.add("-jar");
            command.add(SAMPLE_JAR.toString());
        } else {
            StringBuilder cp = new StringBuilder(SAMPLE_JAR.toString());
            libraries.forEach(jar -> cp.append(java.io.File.pathSeparatorChar).append(jar));
            command.add("-cp");
            command.add(cp.toString());
            command.add("io.tokenguard.sample.SampleApp");
        }
        command.addAll(appArgs);
        return command;
    }

    private String threadDump(Process process) {
        Path jcmd = jdk.javaExecutable().resolveSibling("jcmd");
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            CompletableFuture<String> text = drain(dump.getInputStream());
            if (!dump.waitFor(20, TimeUnit.SECONDS)) {
                dump.destroyForcibly();
            }
            String threads = text.get(10, TimeUnit.SECONDS);
            return threads.length() <= 60_000 ? threads : threads.substring(0, 60_000);
        } catch (Exception e) {
            return "(no thread dump: " + e + ")";
        }
    }

    private static String tail(CompletableFuture<String> text) {
        try {
            String s = text.get(10, TimeUnit.SECONDS);
            return s.length() <= 20_000 ? s : s.substring(s.length() - 20_000);
        } catch (Exception e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream stream = in) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<unreadable: " + e + ">";
            }
        });
    }

    public static final class Result {
        public final int exitCode;
        public final String stdout;
        public final String stderr;

        Result(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /** The sample app's machine-readable result line. */
        public SampleResult sample() {
            return SampleResult.from(this);
        }

        /** The agent's exit summary row for an endpoint. */
        public SummaryRow summary(String endpoint) {
            return SummaryRow.from(stderr, endpoint);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }
}
