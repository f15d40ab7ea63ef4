package io.tokenguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A damaged installation never costs the app anything: the agent jar without its bootstrap part,
 * or a configuration file that is missing, unreadable or malformed. The app starts and runs as
 * without the agent, and one error line names the cause. (A Prometheus port in use and an events
 * file that cannot be opened are covered in TelemetryIT.)
 */
class BrokenSetupIT extends AgainstEmulatedIdp {
    private static final String BOOTSTRAP_PART = "META-INF/tokenguard/tokenguard-bootstrap.jar.bin";

    @TempDir
    Path dir;

    private static JavaProcess app(JavaProcess process) {
        return process.guardingLoopbackIdp().args("--idp", idp.baseUrl(), "--provider", "eloqua", "--users", "alice",
                "--threads", "1", "--iterations", "3");
    }

    /** What the app sees without the agent: one sign-in a minute, so one token and two 429s, all from the IdP. */
    private static void ranUnguarded(JavaProcess.Result run) {
        SampleResult.Row alice = run.sample().row("eloqua", "alice");
        assertThat(alice.status(200)).as(run.toString()).isEqualTo(1);
        assertThat(alice.status(429)).isEqualTo(2);
        assertThat(alice.apiOk()).isEqualTo(1);
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(3);
        assertThat(run.stderr).doesNotContain("tokenguard: summary", "Exception in thread", "\tat ");
    }

    private static List<String> errorLines(JavaProcess.Result run) {
        return run.stderr.lines().filter(l -> l.contains("ERROR")).collect(Collectors.toList());
    }

    @Test
    void anAgentJarWithoutItsBootstrapPartLeavesTheAppUnguardedWithOneLine() throws Exception {
        Path damaged = dir.resolve("tokenguard-agent.jar");
        copyWithout(JavaProcess.AGENT_JAR, damaged, BOOTSTRAP_PART);

        JavaProcess.Result run = app(JavaProcess.on(Jdk.all().get(0)).withAgentJar(damaged)).run();

        assertThat(errorLines(run)).as(run.toString()).singleElement()
                .satisfies(line -> assertThat(line).contains(BOOTSTRAP_PART, "runs unguarded"));
        assertThat(run.exitCode).isEqualTo(2);
        ranUnguarded(run);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"missing", "unreadable", "malformed"})
    void aBrokenConfigFileLeavesTheAppUnguardedAndOneLineNamesIt(String damage) throws Exception {
        Path config = dir.resolve("tokenguard.properties");
        if ("unreadable".equals(damage)) {
            // A directory: unreadable as a file even for root, unlike a file without read permission.
            Files.createDirectory(config);
        } else if ("malformed".equals(damage)) {
            // A broken \\u escape: java.util.Properties refuses the whole file.
            Files.write(config, "tokenguard.mode=enforce\ntokenguard.cache.max-entries=\\u12zz\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
        }

        JavaProcess.Result run = app(JavaProcess.on(Jdk.all().get(0)).withAgent()
                .property("tokenguard.config", config.toString())).run();

        List<String> errors = errorLines(run);
        assertThat(errors.stream().filter(l -> l.contains(config.toString()))).as(run.toString()).singleElement()
                .satisfies(line -> assertThat(line).contains("tokenguard.config"));
        // The only other line says what that means for the app.
        assertThat(errors).hasSize(2).anySatisfy(line -> assertThat(line).contains("the application runs unguarded"));
        assertThat(run.exitCode).isEqualTo(2);
        ranUnguarded(run);
    }

    private static void copyWithout(Path from, Path to, String left) throws IOException {
        try (JarFile in = new JarFile(from.toFile());
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(to))) {
            Enumeration<JarEntry> entries = in.entries();
            boolean removed = false;
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (e.getName().equals(left)) {
                    removed = true;
                    continue;
                }
                out.putNextEntry(new JarEntry(e.getName()));
                try (InputStream body = in.getInputStream(e)) {
                    body.transferTo(out);
                }
                out.closeEntry();
            }
            assertThat(removed).as("the built agent jar has " + left).isTrue();
        }
    }
}
