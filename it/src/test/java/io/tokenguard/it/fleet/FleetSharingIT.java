package io.tokenguard.it.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.it.SampleResult;
import io.tokenguard.it.SummaryRow;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The issue's own case: several JVMs of one app, one Eloqua user, one sign-in a minute allowed for the
 * whole app. Without fleet mode each JVM makes its own sign-in and all but the first get 429; with it
 * the fleet makes exactly one, and every thread of every JVM gets that one token.
 */
class FleetSharingIT extends FleetTestBase {
    private static final int JVMS = 4;

    @ParameterizedTest(name = "on-limit={0}")
    @ValueSource(strings = {"reject", "delay"})
    void fourJvmsOfEightThreadsAskingForOneUsersTokenMakeOneUpstreamCall(String onLimit) throws Exception {
        RedisServer redis = redis();
        List<FleetJvm> jvms = fleet(JVMS, redis.uri(), newFleetKey(),
                app -> app.property("tokenguard.endpoints.eloqua.on-limit", onLimit));

        List<SampleResult> results = roundAll(jvms, "go");

        String all = describe(jvms);
        assertThat(idp.tokenCalls("eloqua", "alice")).as(all).isEqualTo(1);
        assertThat(idp.statusCount("eloqua", 429)).isZero();
        Set<Object> tokens = new HashSet<>();
        for (SampleResult r : results) {
            SampleResult.Row alice = r.row("eloqua", "alice");
            assertThat(alice.asked()).isEqualTo(8 * 25);
            assertThat(alice.statuses()).as(all).containsOnlyKeys("200");
            assertThat(alice.apiOk()).isEqualTo(8 * 25);
            assertThat(alice.apiUsers()).containsExactly("alice");
            assertThat(alice.tokens()).hasSize(1);
            tokens.addAll(alice.tokens());
            assertThat(r.errors()).isZero();
        }
        // One token for the whole fleet: three JVMs got the first one's answer, not one of their own.
        assertThat(tokens).as(all).hasSize(1);
        double shared = 0;
        for (FleetJvm j : jvms) {
            assertThat(j.meter(STATE_GAUGE)).as(j.toString()).isEqualTo(1.0);
            assertThat(j.meterSum("tokenguard.fleet.redis.calls", "outcome.ok")).as(j.name() + " talked to Redis")
                    .isPositive();
            assertThat(j.meterSum("tokenguard.fleet.redis.calls", "outcome.error")).isZero();
            shared += j.meterSum("tokenguard.fleet.cache.hits") + j.meterSum("tokenguard.fleet.lease.wait", "served");
        }
        // Three JVMs had no answer of their own: each got the first one's from Redis, or waited for it there.
        assertThat(shared).as(all).isGreaterThanOrEqualTo(JVMS - 1);
        long requests = 0;
        long upstream = 0;
        for (FleetJvm j : jvms) {
            assertThat(j.quit()).as(j.toString()).isZero();
            SummaryRow eloqua = j.summary("eloqua");
            requests += eloqua.get("requests");
            upstream += eloqua.get("upstream");
            assertThat(eloqua.get("throttled")).isZero();
        }
        assertThat(requests).isEqualTo(JVMS * 8 * 25);
        assertThat(upstream).as(all).isEqualTo(1);
    }

    /**
     * Five identities and two grants at once in four JVMs: three Eloqua users (password grant) and two
     * Twitter consumers (client credentials), each with a limit of one call a minute. Each identity reaches
     * the IdP once for the whole fleet, and no thread of any JVM ever gets another identity's token: the
     * IdP issues a distinct token per identity and its API says whose token each call carried.
     */
    @Test
    void fiveIdentitiesWithMixedGrantsInFourJvmsEachKeepTheirOwnLimitAndToken() throws Exception {
        RedisServer redis = redis();
        List<FleetJvm> jvms = fleet(JVMS, redis.uri(), newFleetKey(),
                app -> app.property("tokenguard.endpoints.twitter.limit", "1/60s"));

        List<SampleResult> results = roundAll(jvms, "--provider both --users alice,bob,carol"
                + " --consumer sample-consumer,other-consumer --threads 8 --iterations 5");

        String all = describe(jvms);
        Map<String, String> identities = Map.of("eloqua/alice", "alice", "eloqua/bob", "bob", "eloqua/carol", "carol",
                "twitter/sample-consumer", "sample-consumer", "twitter/other-consumer", "other-consumer");
        Map<String, Set<Object>> tokensOf = new HashMap<>();
        for (SampleResult r : results) {
            assertThat(r.rows()).hasSize(5);
            for (SampleResult.Row row : r.rows()) {
                String id = row.provider() + "/" + row.identity();
                assertThat(row.asked()).isEqualTo(8 * 5);
                assertThat(row.statuses()).as(id + "\n" + all).containsOnlyKeys("200");
                // Every call with the token this identity got was made as this identity, and no other.
                assertThat(row.apiUsers()).as(id).containsExactly(identities.get(id));
                assertThat(row.apiOk()).isEqualTo(8 * 5);
                tokensOf.computeIfAbsent(id, k -> new HashSet<>()).addAll(row.tokens());
            }
        }
        for (String id : identities.keySet()) {
            String[] parts = id.split("/");
            assertThat(idp.tokenCalls(parts[0], parts[1])).as(id + "\n" + all).isEqualTo(1);
            assertThat(tokensOf.get(id)).as(id).hasSize(1);
        }
        Set<Object> distinct = new HashSet<>();
        tokensOf.values().forEach(distinct::addAll);
        assertThat(distinct).as("one token per identity, none shared between identities").hasSize(5);
        assertThat(idp.statusCount("eloqua", 429)).isZero();
        assertThat(idp.statusCount("twitter", 403)).isZero();
        for (FleetJvm j : jvms) {
            assertThat(j.quit()).as(j.toString()).isZero();
        }
    }
}
