package io.tokenguard.it.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenguard.it.SampleResult;
import io.tokenguard.sample.idp.IdpOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Redis failing under a running fleet: killed, frozen, or never answering at all. The apps see no error
 * and no request waits on Redis much past {@code fleet.timeout}; each agent goes local-only (the
 * {@code tokenguard.fleet.state} gauge 0, one event) and back to fleet mode (gauge 1, sharing again)
 * once Redis answers. Eloqua's window is off and the agent's per-user limit too here, so that every
 * request that is not shared can go to the IdP and succeed: what reaches the IdP then shows exactly
 * what was shared.
 */
class FleetFaultsIT extends FleetTestBase {
    static final long TIMEOUT_MILLIS = 250;
    /** What a loaded two-core machine adds to one token request that waited out one fleet.timeout. */
    static final long SLACK_MILLIS = 1000;
    private static final String LOAD = "--users bob --fresh-scope --load-seconds 3 --threads 4 --api false";
    private static final String PROBE = "--users alice --fresh-scope --threads 1 --iterations 1 --api false";

    @Override
    IdpOptions idpOptions() {
        return IdpOptions.defaults().withEloquaWindow(Duration.ZERO);
    }

    private List<FleetJvm> twoJvms(String uri) throws Exception {
        return fleet(2, uri, newFleetKey(), app -> app.property(FLEET_TIMEOUT, TIMEOUT_MILLIS + "ms")
                .property("tokenguard.endpoints.eloqua.limit", "none"));
    }

    @Test
    void redisKilledMidRunCostsNoAppErrorAndFleetModeComesBackWhenItIsRestarted() throws Exception {
        RedisServer redis = redis();
        List<FleetJvm> jvms = twoJvms(redis.uri());
        String all = describe(jvms);
        assertSharing(jvms, "alice");

        // Every request a miss (a scope of its own), so every one of them goes to Redis while it dies.
        List<CompletableFuture<SampleResult>> load = orderAll(jvms, LOAD);
        await().atMost(Duration.ofSeconds(30)).until(() -> idp.tokenCalls("eloqua", "bob") >= 20);
        redis.kill();
        int atKill = idp.tokenCalls("eloqua", "bob");
        await().atMost(Duration.ofSeconds(30)).until(() -> idp.tokenCalls("eloqua", "bob") >= atKill + 20);
        for (CompletableFuture<SampleResult> f : load) {
            SampleResult r = f.join();
            assertThat(r.errors()).as(all).isZero();
            assertThat(r.row("eloqua", "bob").statuses()).containsOnlyKeys("200");
            assertThat(r.row("eloqua", "bob").maxTokenMillis()).as("slowest token request")
                    .isLessThan(TIMEOUT_MILLIS + SLACK_MILLIS);
        }
        for (FleetJvm j : jvms) {
            assertThat(j.meter(STATE_GAUGE)).as(j.toString()).isEqualTo(0.0);
            assertThat(fleetStates(j)).as(j.toString()).last().isEqualTo("local-only");
        }

        redis.restart();
        awaitFleetMode(jvms);
        assertSharing(jvms, "carol");
    }

    /** SIGSTOP: connections are accepted and nothing is answered, mid-run; SIGCONT: it answers again. */
    @Test
    void redisFrozenMidRunCostsNoAppErrorAndFleetModeComesBackWhenItAnswersAgain() throws Exception {
        RedisServer redis = redis();
        List<FleetJvm> jvms = twoJvms(redis.uri());
        String all = describe(jvms);
        assertSharing(jvms, "alice");

        List<CompletableFuture<SampleResult>> load = orderAll(jvms, LOAD);
        await().atMost(Duration.ofSeconds(30)).until(() -> idp.tokenCalls("eloqua", "bob") >= 20);
        redis.freeze();
        int atFreeze = idp.tokenCalls("eloqua", "bob");
        await().atMost(Duration.ofSeconds(30)).until(() -> idp.tokenCalls("eloqua", "bob") >= atFreeze + 20);
        for (CompletableFuture<SampleResult> f : load) {
            SampleResult r = f.join();
            assertThat(r.errors()).as(all).isZero();
            assertThat(r.row("eloqua", "bob").maxTokenMillis()).as("slowest token request")
                    .isLessThan(TIMEOUT_MILLIS + SLACK_MILLIS);
        }
        for (FleetJvm j : jvms) {
            assertThat(j.meter(STATE_GAUGE)).as(j.toString()).isEqualTo(0.0);
            assertThat(fleetStates(j)).as(j.toString()).last().isEqualTo("local-only");
        }

        redis.thaw();
        awaitFleetMode(jvms);
        assertSharing(jvms, "carol");
    }

    /** A "Redis" that accepts connections and never answers from the start; then a real one on its port. */
    @Test
    void aRedisThatNeverAnswersMeansLocalOnlyWithinTheTimeoutThenFleetModeWhenARealOneListens() throws Exception {
        BlackHole hole = stopAfterTest(new BlackHole());
        List<FleetJvm> jvms = twoJvms(hole.uri());
        String all = describe(jvms);

        List<SampleResult> results = roundAll(jvms, "--users alice --threads 4 --iterations 5");

        for (SampleResult r : results) {
            assertThat(r.errors()).as(all).isZero();
            assertThat(r.row("eloqua", "alice").statuses()).isEqualTo(Map.of("200", 20L));
            assertThat(r.row("eloqua", "alice").maxTokenMillis()).as("slowest token request")
                    .isLessThan(TIMEOUT_MILLIS + SLACK_MILLIS);
        }
        assertThat(hole.connections()).as("the agents never even tried").isPositive();
        // Local-only: each JVM its own sign-in (and no more: its own cache still works).
        assertThat(idp.tokenCalls("eloqua", "alice")).as(all).isEqualTo(2);
        for (FleetJvm j : jvms) {
            assertThat(j.meter(STATE_GAUGE)).as(j.toString()).isEqualTo(0.0);
            assertThat(fleetStates(j)).as(j.toString()).last().isEqualTo("local-only");
        }

        int port = hole.port();
        hole.close();
        stopAfterTest(RedisServer.startOn(port));
        awaitFleetMode(jvms);
        assertSharing(jvms, "carol");
    }

    /** The first JVM signs this user in, the second gets the same token from Redis: one call at the IdP. */
    private void assertSharing(List<FleetJvm> jvms, String user) throws Exception {
        String round = "--users " + user + " --threads 2 --iterations 2";
        SampleResult first = jvms.get(0).round(round);
        SampleResult second = jvms.get(1).round(round);
        assertThat(idp.tokenCalls("eloqua", user)).as(describe(jvms)).isEqualTo(1);
        assertThat(first.row("eloqua", user).tokens()).hasSize(1)
                .isEqualTo(second.row("eloqua", user).tokens());
        assertThat(second.errors()).isZero();
        for (FleetJvm j : jvms) {
            assertThat(j.meter(STATE_GAUGE)).as(j.toString()).isEqualTo(1.0);
        }
    }

    /** Requests that reach Redis (each a miss) until the gauge says fleet mode in every JVM. */
    private static void awaitFleetMode(List<FleetJvm> jvms) {
        awaitGauge(jvms);
        for (FleetJvm j : jvms) {
            assertThat(fleetStates(j)).as(j.toString()).containsSubsequence("local-only", "fleet").last()
                    .isEqualTo("fleet");
        }
    }

    private static void awaitGauge(List<FleetJvm> jvms) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            boolean all = true;
            for (FleetJvm j : jvms) {
                SampleResult r = j.round(PROBE);
                assertThat(r.errors()).as(j.toString()).isZero();
                all &= Double.valueOf(1.0).equals(j.meter(STATE_GAUGE));
            }
            return all;
        });
    }

    /** The agent's events about its fleet state: {"tokenguard":"fleet","state":"local-only"|"fleet",...}. */
    static List<Object> fleetStates(FleetJvm j) {
        List<Object> states = new java.util.ArrayList<>();
        for (Map<String, Object> e : j.events()) {
            if ("fleet".equals(e.get("tokenguard"))) {
                states.add(e.get("state"));
            }
        }
        return states;
    }

    private static List<CompletableFuture<SampleResult>> orderAll(List<FleetJvm> jvms, String line) throws Exception {
        for (FleetJvm j : jvms) {
            j.order(line);
        }
        List<CompletableFuture<SampleResult>> results = new java.util.ArrayList<>();
        for (FleetJvm j : jvms) {
            results.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return j.awaitRound();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        return results;
    }
}
