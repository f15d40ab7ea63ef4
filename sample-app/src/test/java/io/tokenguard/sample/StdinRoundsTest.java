package io.tokenguard.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.sample.idp.EmulatedIdp;
import io.tokenguard.sample.idp.IdpOptions;
import io.tokenguard.sample.idp.ManualClock;
import io.tokenguard.sample.json.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** --rounds-from-stdin, --consumer lists, --fresh-scope and the rows' token fingerprints, as the fleet tests use them. */
class StdinRoundsTest {
    private final EmulatedIdp idp = EmulatedIdp.start(IdpOptions.defaults().withClock(new ManualClock()));

    @AfterEach
    void stop() {
        idp.close();
    }

    private List<String> run(String input, String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        String[] all = new ArrayList<>(List.of(args)).toArray(new String[0]);
        AppOptions options = AppOptions.parse(all);
        int code = StdinRounds.run(all, options, idp.baseUrl(), IdpStats.of(idp::statsJson),
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out);
        List<String> lines = new ArrayList<>(List.of(bytes.toString(StandardCharsets.UTF_8).split("\n")));
        lines.add("exit " + code);
        return lines;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> round(String line) {
        assertThat(line).startsWith(StdinRounds.ROUND_PREFIX);
        return (Map<String, Object>) JsonParser.parse(line.substring(StdinRounds.ROUND_PREFIX.length()));
    }

    @Test
    void oneRoundPerLineWithTheLinesOptionsOnTopOfTheCommandLines() throws Exception {
        List<String> lines = run("go\n--users bob --provider both --consumer sample-consumer,other-consumer\n"
                + "--threads nonsense\nquit\n", "--provider", "eloqua", "--users", "alice", "--threads", "1",
                "--iterations", "2", "--quiet");

        assertThat(lines.get(0)).isEqualTo(StdinRounds.READY);
        Map<String, Object> first = round(lines.get(1));
        assertThat(AppRun.row(first, "eloqua", "alice").get("statuses")).isEqualTo(Map.of("200", 1L, "429", 1L));
        assertThat((List<Object>) AppRun.row(first, "eloqua", "alice").get("tokens")).hasSize(1);
        assertThat(lines.get(2)).isEqualTo(StdinRounds.READY);
        Map<String, Object> second = round(lines.get(3));
        assertThat(AppRun.row(second, "eloqua", "bob").get("statuses")).isEqualTo(Map.of("200", 1L, "429", 1L));
        assertThat(AppRun.row(second, "twitter", "other-consumer").get("apiUsers")).isEqualTo(List.of("other-consumer"));
        assertThat(AppRun.row(second, "twitter", "sample-consumer").get("apiUsers")).isEqualTo(List.of("sample-consumer"));
        assertThat(AppRun.row(second, "twitter", "sample-consumer").get("maxTokenMs")).isInstanceOf(Long.class);
        assertThat(lines.get(4)).isEqualTo(StdinRounds.READY);
        assertThat(lines.get(5)).startsWith(StdinRounds.ROUND_ERROR_PREFIX).contains("--threads");
        assertThat(lines.get(6)).isEqualTo(StdinRounds.READY);
        // The unguarded app met Eloqua's limit: its exit status says so, as without stdin rounds.
        assertThat(lines.get(lines.size() - 1)).isEqualTo("exit " + SampleApp.EXIT_ERRORS);
    }

    @Test
    void aFreshScopeMakesEveryRequestDistinctAndTheEndOfInputEnds() throws Exception {
        IdpOptions noWindow = IdpOptions.defaults().withEloquaWindow(java.time.Duration.ZERO);
        try (EmulatedIdp open = EmulatedIdp.start(noWindow)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            String[] args = {"--provider", "eloqua", "--users", "carol", "--threads", "2", "--iterations", "3",
                "--fresh-scope", "--quiet"};
            int code = StdinRounds.run(args, AppOptions.parse(args), open.baseUrl(), IdpStats.of(open::statsJson),
                    new ByteArrayInputStream("go\n".getBytes(StandardCharsets.UTF_8)),
                    new PrintStream(bytes, true, StandardCharsets.UTF_8));

            String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
            Map<String, Object> carol = AppRun.row(round(lines[1]), "eloqua", "carol");
            assertThat(carol.get("statuses")).isEqualTo(Map.of("200", 6L));
            assertThat(carol.get("distinctTokens")).isEqualTo(6L);
            assertThat(open.tokenCalls("eloqua", "carol")).isEqualTo(6);
            assertThat(open.issuedTokens()).hasSize(12).allMatch(t -> t.startsWith(EmulatedIdp.TOKEN_MARKER));
            assertThat(code).isEqualTo(SampleApp.EXIT_OK);
        }
    }

    @Test
    void theFleetCommandExplainsItselfAndRefusesWhatItCannotDo() {
        AppRun help = AppRun.of("fleet", "--help");
        assertThat(help.exitCode).isEqualTo(SampleApp.EXIT_OK);
        assertThat(help.out).contains("--jvms N", "--no-fleet");
        AppRun bad = AppRun.of("fleet", "--jvms", "0");
        assertThat(bad.exitCode).isEqualTo(SampleApp.EXIT_USAGE);
        assertThat(bad.err).contains("--jvms wants a number from 1 to 64");
        AppRun noAgent = AppRun.of("fleet", "--agent", "/nonexistent/agent.jar");
        assertThat(noAgent.exitCode).isEqualTo(SampleApp.EXIT_USAGE);
        assertThat(noAgent.err).contains("no agent jar at /nonexistent/agent.jar");
    }
}
