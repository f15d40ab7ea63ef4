package io.tokenguard.it.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.it.JavaProcess;
import io.tokenguard.it.Jdk;
import io.tokenguard.it.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's fleet demo, exactly as documented: {@code java -jar sample-app.jar fleet --jvms 4} starts
 * a redis-server, hosts the emulated IdP and runs four agent-attached JVMs of the app against it. With
 * fleet mode the IdP sees one sign-in and no JVM an error; with {@code --no-fleet} it sees one per JVM and
 * all but the first are refused, which is the problem the demo exists to show.
 */
class FleetDemoIT {
    private static final String RESULT = "FLEET-RESULT ";

    private static JavaProcess demo(String... more) {
        return JavaProcess.on(Jdk.all().get(0)).args("fleet", "--jvms", "4", "--agent", JavaProcess.AGENT_JAR.toString(),
                "--redis-server", RedisServer.EXECUTABLE.toString()).args(more);
    }

    @Test
    void theFleetDemoShowsOneSignInForFourJvms() throws Exception {
        JavaProcess.Result run = demo().run();

        Map<String, Object> result = result(run);
        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(result).containsEntry("fleet", true).containsEntry("jvms", 4L).containsEntry("requests", 800L)
                .containsEntry("errors", 0L);
        assertThat(result.get("idpCalls")).isEqualTo(Map.of("eloqua/alice", 1L));
        assertThat(result.get("distinctTokens")).isEqualTo(Map.of("eloqua/alice", 1L));
        assertThat(run.stdout).contains("fleet: redis-server at redis://127.0.0.1:");
    }

    @Test
    void withoutFleetModeEveryJvmSignsInAndAllButOneAreRefused() throws Exception {
        JavaProcess.Result run = demo("--no-fleet").run();

        Map<String, Object> result = result(run);
        assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
        assertThat(result).containsEntry("fleet", false);
        assertThat(result.get("idpCalls")).isEqualTo(Map.of("eloqua/alice", 4L));
        assertThat((Long) result.get("errors")).isPositive();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> result(JavaProcess.Result run) {
        return run.stdout.lines().filter(l -> l.startsWith(RESULT)).findFirst()
                .map(l -> (Map<String, Object>) Json.parse(l.substring(RESULT.length())))
                .orElseThrow(() -> new AssertionError("no FLEET-RESULT line:\n" + run));
    }
}
