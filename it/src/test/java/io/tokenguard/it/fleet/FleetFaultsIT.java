package io.tokenguard.it.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenguard.it.SampleResult;
import io.tokenguard.sample.idp.IdpOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Redis failing under a running fleet: killed, frozen, or never answering at all. The apps see no error
 * and no request waits on Redis much past {@code fleet.timeout}; each agent goes local-only (the
 * {@code tokenguard.fleet.state} gauge 0, one event) and back to fleet mode (gauge 1, sharing again)
 * once Redis answers. Eloqua's window is off and the agent's per-user limit too here, so that every
 * request that is not shared can go to the IdP and succeed: what reaches the IdP then shows exactly
 * what was shared.
 *
 * <p>Latency is checked on warm JVMs only (their first token request with fleet mode loads the Redis
 * client, which takes seconds on a busy machine whatever Redis does). The bound, {@code fleet.timeout}
 * + {@value #SLACK_MILLIS} ms, catches a Redis call without a bound (the app's own 15 s read timeout,
 * Jedis' 2 s default) and a request that pays several timeouts one after the other.
 */
class FleetFaultsIT extends FleetTestBase {
    static final long TIMEOUT_MILLIS = 250;
    /** What a loaded two-core machine adds to one token request that waited out one fleet.timeout. */
    static final long SLACK_MILLIS = 1250;
    /** Every request a miss (a scope of its own), so every one of them goes to Redis. */
    private static final String LOAD = "--users bob --fresh-scope --load-seconds 2 --threads 4 --api false";
    private static final String PROBE = "--users alice --fresh-scope --threads 1 --iterations 1 --api false";
    private static final String REDIS_ERRORS = "outcome.error";

    @Override
    IdpOptions idpOptions() {
        return IdpOptions.defaults().withEloquaWindow(Duration.ZERO);
    }

    private List<FleetJvm> twoJvms(String uri) throws Exception {
        return fleet(2, uri, newFleetKey(), app -> app.property(FLEET_TIMEOUT, TIMEOUT_MILLIS + "ms")
                .property("tokenguard.endpoints.eloqua.limit", "none"));
    }

    private interface Step {
        void run() throws Exception;
    }

    @Test
    void redisKilledMidRunCostsNoAppErrorAndFleetModeComesBackWhenItIsRestarted() throws Exception {
        RedisServer redis = redis();
        faultUnderLoad(redis, redis::kill, redis::restart);
    }

    /** SIGSTOP: connections are accepted and nothing is answered, mid-run; SIGCONT: it answers again. */
    @Test
    void redisFrozenMidRunCostsNoAppErrorAndFleetModeComesBackWhenItAnswersAgain() throws Exception {
        RedisServer redis = redis();
        faultUnderLoad(redis, redis::freeze, redis::thaw);
    }

    private void faultUnderLoad(RedisServer redis, Step fault, Step repair) throws Exception {
        List<FleetJvm> jvms = twoJvms(redis.uri());
        Supplier<String> all = () -> describe(jvms);
        assertSharing(jvms, "alice");

        List<CompletableFuture<SampleResult>> load = orderAll(jvms, LOAD);
        await().atMost(Duration.ofSeconds(30)).until(() -> idp.tokenCalls("eloqua", "bob") >= 20);
        fault.run();
        int atFault = idp.tokenCalls("eloqua", "bob");
        // The apps go on asking (and being answered) after the fault, not just before it.
        await().atMost(Duration.ofSeconds(30)).until(() -> idp.tokenCalls("eloqua", "bob") >= atFault + 20);
        for (CompletableFuture<SampleResult> f : load) {
            SampleResult r = f.join();
            assertThat(r.errors()).as(all).isZero();
            assertThat(r.row("eloqua", "bob").statuses()).containsOnlyKeys("200");
            assertThat(r.row("eloqua", "bob").maxTokenMillis()).as(() -> "slowest token request\n" + all.get())
                    .isLessThan(TIMEOUT_MILLIS + SLACK_MILLIS);
        }
        SoftAssertions events = new SoftAssertions();
        for (FleetJvm j : jvms) {
            assertThat(j.meter(STATE_GAUGE)).as(j.toString()).isEqualTo(0.0);
            assertThat(j.meterSum("tokenguard.fleet.redis.calls", REDIS_ERRORS)).isPositive();
            events.assertThat(fleetStates(j)).as("the last fleet event agrees with the gauge\n" + j)
                    .contains("local-only").last().isEqualTo("local-only");
        }

        repair.run();
        awaitFleetMode(jvms, events);
        assertSharing(jvms, "carol");
        events.assertAll();
    }

    /** A "Redis" that accepts connections and never answers from the start; then a real one on its port. */
    @Test
    void aRedisThatNeverAnswersMeansLocalOnlyWithinTheTimeoutThenFleetModeWhenARealOneListens() throws Exception {
        BlackHole hole = stopAfterTest(new BlackHole());
        List<FleetJvm> jvms = twoJvms(hole.uri());
        Supplier<String> all = () -> describe(jvms);

        List<SampleResult> cold = roundAll(jvms, "--users alice --threads 4 --iterations 5");

        for (SampleResult r : cold) {
            assertThat(r.errors()).as(all).isZero();
            assertThat(r.row("eloqua", "alice").statuses()).isEqualTo(Map.of("200", 20L));
        }
        assertThat(hole.connections()).as("the agents never even tried").isPositive();
        // Local-only: each JVM its own sign-in (and no more: its own cache still works).
        assertThat(idp.tokenCalls("eloqua", "alice")).as(all).isEqualTo(2);
        SoftAssertions events = new SoftAssertions();
        List<Double> errorsBefore = new ArrayList<>();
        for (FleetJvm j : jvms) {
            assertThat(j.meter(STATE_GAUGE)).as(j.toString()).isEqualTo(0.0);
            events.assertThat(fleetStates(j)).as(j.toString()).containsExactly("local-only");
            errorsBefore.add(j.meterSum("tokenguard.fleet.redis.calls", REDIS_ERRORS));
        }

        // Warm now, and still local-only: each back-off that ends sends one request to the black hole again.
        List<SampleResult> warm = roundAll(jvms, LOAD);
        for (int i = 0; i < jvms.size(); i++) {
            SampleResult r = warm.get(i);
            assertThat(r.errors()).as(all).isZero();
            assertThat(r.row("eloqua", "bob").maxTokenMillis()).as(() -> "slowest token request\n" + all.get())
                    .isLessThan(TIMEOUT_MILLIS + SLACK_MILLIS);
            assertThat(jvms.get(i).meterSum("tokenguard.fleet.redis.calls", REDIS_ERRORS))
                    .as("a request of this round waited for the black hole").isGreaterThan(errorsBefore.get(i));
            assertThat(jvms.get(i).meter(STATE_GAUGE)).isEqualTo(0.0);
        }

        int port = hole.port();
        hole.close();
        stopAfterTest(RedisServer.startOn(port));
        awaitFleetMode(jvms, events);
        assertSharing(jvms, "carol");
        events.assertAll();
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

    /** Requests that reach Redis (each a miss) until the gauge says fleet mode in every JVM; then the event. */
    private static void awaitFleetMode(List<FleetJvm> jvms, SoftAssertions events) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                boolean all = true;
                for (FleetJvm j : jvms) {
                    SampleResult r = j.round(PROBE);
                    assertThat(r.errors()).as(j.toString()).isZero();
                    all &= Double.valueOf(1.0).equals(j.meter(STATE_GAUGE));
                }
                return all;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder b = new StringBuilder("not back in fleet mode in 60 s\n");
            for (FleetJvm j : jvms) {
                b.append(j.name()).append(": states ").append(fleetStates(j)).append(", meters ")
                        .append(j.meters().entrySet().stream().filter(m -> m.getKey().contains("Fleet"))
                                .map(Object::toString).collect(java.util.stream.Collectors.joining(", ")))
                        .append('\n').append(j.threadDump()).append('\n');
            }
            throw new AssertionError(b + describe(jvms), e);
        }
        for (FleetJvm j : jvms) {
            events.assertThat(fleetStates(j)).as(j.toString()).containsSubsequence("local-only", "fleet").last()
                    .isEqualTo("fleet");
        }
    }

    /** The agent's events about its fleet state: {"tokenguard":"fleet","state":"local-only"|"fleet",...}. */
    static List<Object> fleetStates(FleetJvm j) {
        List<Object> states = new ArrayList<>();
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
        List<CompletableFuture<SampleResult>> results = new ArrayList<>();
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
