package io.tokenguard.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.sample.idp.EmulatedIdp;
import io.tokenguard.sample.idp.IdpOptions;
import io.tokenguard.sample.idp.ManualClock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SampleAppTest {
    // A clock that never moves: no window can reopen mid-run, so the numbers are exact.
    private final EmulatedIdp idp = EmulatedIdp.start(IdpOptions.defaults().withClock(new ManualClock()));

    @AfterEach
    void stop() {
        idp.close();
    }

    @Test
    void withoutAgentEveryUserGetsOneTokenAndThenOnly429() {
        AppRun run = AppRun.of("--idp", idp.baseUrl(), "--threads", "2", "--iterations", "5", "--quiet");

        assertThat(run.exitCode).isEqualTo(2);
        Map<String, Object> result = run.result();
        assertThat(result.get("agent")).isEqualTo(false);
        for (String user : List.of("alice", "bob")) {
            Map<String, Object> row = AppRun.row(result, "eloqua", user);
            assertThat(row.get("asked")).isEqualTo(10L);
            assertThat(row.get("statuses")).isEqualTo(Map.of("200", 1L, "429", 9L));
            assertThat(row.get("apiOk")).isEqualTo(1L);
            assertThat(row.get("apiFailed")).isEqualTo(0L);
            assertThat(row.get("distinctTokens")).isEqualTo(1L);
            assertThat(row.get("apiUsers")).isEqualTo(List.of(user));
            assertThat(row.get("idpCalls")).isEqualTo(10L);
        }
        Map<String, Object> twitter = AppRun.row(result, "twitter", "sample-consumer");
        assertThat(twitter.get("statuses")).isEqualTo(Map.of("200", 10L));
        assertThat(twitter.get("apiOk")).isEqualTo(10L);
        assertThat(twitter.get("distinctTokens")).isEqualTo(1L);
        assertThat(result.get("errors")).isEqualTo(18L);
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(10);
        assertThat(idp.apiCalls()).isEqualTo(12);
    }

    @Test
    void twitterLocksOutAfterTenBearerRequests() {
        AppRun run = AppRun.of("--idp", idp.baseUrl(), "--provider", "twitter", "--threads", "3",
                "--iterations", "4", "--quiet");

        Map<String, Object> row = AppRun.row(run.result(), "twitter", "sample-consumer");
        assertThat(row.get("statuses")).isEqualTo(Map.of("200", 10L, "403", 2L));
        assertThat(run.result().get("errors")).isEqualTo(2L);
        assertThat((List<?>) run.result().get("rows")).hasSize(1);
    }

    @Test
    void cleanRunExitsZeroAndPrintsTheTable() {
        AppRun run = AppRun.of("--idp", idp.baseUrl(), "--provider", "eloqua", "--users", "carol",
                "--threads", "1", "--iterations", "1");

        assertThat(run.exitCode).isZero();
        assertThat(run.out).contains("agent: not attached").contains("reached IdP").contains("carol");
        assertThat(run.result().get("errors")).isEqualTo(0L);
    }

    @Test
    void wrongPasswordIsA400AndStillUsesTheMinute() {
        AppRun run = AppRun.of("--idp", idp.baseUrl(), "--provider", "eloqua", "--users", "alice",
                "--password-of", "alice=WRONG", "--threads", "1", "--iterations", "3", "--quiet");

        assertThat(AppRun.row(run.result(), "eloqua", "alice").get("statuses"))
                .isEqualTo(Map.of("400", 1L, "429", 2L));
    }

    @Test
    @SuppressWarnings("unchecked")
    void roundsAreReportedOneByOne() {
        AppRun run = AppRun.of("--idp", idp.baseUrl(), "--provider", "eloqua", "--users", "bob",
                "--threads", "2", "--iterations", "2", "--rounds", "2", "--quiet");

        List<Object> rounds = (List<Object>) run.result().get("rounds");
        assertThat(rounds).hasSize(2);
        Map<String, Object> first = AppRun.row((Map<String, Object>) rounds.get(0), "eloqua", "bob");
        Map<String, Object> second = AppRun.row((Map<String, Object>) rounds.get(1), "eloqua", "bob");
        assertThat(first.get("statuses")).isEqualTo(Map.of("200", 1L, "429", 3L));
        assertThat(second.get("statuses")).isEqualTo(Map.of("429", 4L));
        assertThat(second.get("idpCalls")).isEqualTo(4L);
        assertThat(AppRun.row(run.result(), "eloqua", "bob").get("asked")).isEqualTo(8L);
    }

    @Test
    @SuppressWarnings("unchecked")
    void severalClientsRunOneRoundEachNamedInTheResult() {
        AppRun run = AppRun.of("--idp", idp.baseUrl(), "--provider", "eloqua", "--users", "bob",
                "--threads", "1", "--iterations", "2", "--client", "urlconnection,jdkhttp", "--quiet");

        List<Object> rounds = (List<Object>) run.result().get("rounds");
        assertThat(rounds).hasSize(2);
        assertThat(((Map<String, Object>) rounds.get(0)).get("client")).isEqualTo("urlconnection");
        assertThat(((Map<String, Object>) rounds.get(1)).get("client")).isEqualTo("jdkhttp");
        Map<String, Object> second = AppRun.row((Map<String, Object>) rounds.get(1), "eloqua", "bob");
        assertThat(second.get("statuses")).isEqualTo(Map.of("429", 2L));
        assertThat(second.get("idpCalls")).isEqualTo(2L);
    }

    @Test
    void tokensAreNeverPrinted() {
        AppRun run = AppRun.of("--idp", idp.baseUrl(), "--threads", "1", "--iterations", "1");
        String bearer = io.tokenguard.sample.idp.TestAccess.twitterBearer("sample-consumer");

        assertThat(run.out).doesNotContain(bearer).doesNotContain("access_token");
    }

    @Test
    void embeddedIdpRunShowsTheProblem() {
        AppRun run = AppRun.of("--threads", "2", "--iterations", "6", "--quiet");

        assertThat(run.exitCode).isEqualTo(2);
        Map<String, Object> alice = AppRun.row(run.result(), "eloqua", "alice");
        assertThat(((Map<?, ?>) alice.get("statuses")).get("200")).isEqualTo(1L);
        assertThat(alice.get("idpCalls")).isEqualTo(12L);
        assertThat(AppRun.row(run.result(), "twitter", "sample-consumer").get("statuses"))
                .isEqualTo(Map.of("200", 10L, "403", 2L));
    }

    @Test
    void badArgumentsExitWithUsage() {
        AppRun run = AppRun.of("--provider", "github");

        assertThat(run.exitCode).isEqualTo(64);
        assertThat(run.err).contains("--provider").contains("usage:");
    }
}
