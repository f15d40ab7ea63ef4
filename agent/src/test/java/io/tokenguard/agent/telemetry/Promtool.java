package io.tokenguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code promtool} (package prometheus), which .ci/run installs: CI fails without it, a developer's
 * machine skips the check with a message saying how to get it.
 */
final class Promtool {
    private static final long TIMEOUT_SECONDS = 60;

    private Promtool() {
    }

    /** Skips (or, under CI=true, fails) when promtool is not on the PATH. */
    static void assumeInstalled() {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            found |= !dir.isEmpty() && Path.of(dir, "promtool").toFile().canExecute();
        }
        if (!found && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("no promtool on the PATH: .ci/run installs Debian's prometheus package");
        }
        Assumptions.assumeTrue(found, "no promtool on the PATH (apt-get install prometheus)");
    }

    /** Runs promtool with these arguments in this directory, stdin given; its exit code and output. */
    static Result run(Path dir, String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("promtool");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("promtool %s finished", command).isTrue();
            return new Result(p.exitValue(), output);
        } finally {
            p.destroyForcibly();
        }
    }

    static final class Result {
        final int exitCode;
        final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ":\n" + output;
        }
    }
}
