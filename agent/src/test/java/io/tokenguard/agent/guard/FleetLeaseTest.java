package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.FleetKeyRing;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.fleet.RedisServerFixture;
import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cross-JVM lease: followers wait for the leader's answer, its release, or the end of its lease. */
class FleetLeaseTest {
    private static RedisServerFixture redis;
    private final FakeClock clock = new FakeClock();
    private final FleetKeyRing keys = FleetKeyRing.of(TestFleet.newKey());
    private final String name = "lease-" + UUID.randomUUID();
    private final EndpointRule rule = twitter();
    private final List<FleetJvm> jvms = new ArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServerFixture.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @AfterEach
    void stop() {
        jvms.forEach(FleetJvm::close);
    }

    private FleetJvm jvm(AgentSettings settings) {
        FleetJvm j = new FleetJvm(redis.uri(), keys, name, settings, clock);
        jvms.add(j);
        return j;
    }

    private static TokenHttpResponse answer(int status, String body) {
        return new TokenHttpResponse(status, "R", HttpHeaders.builder().add("Content-Type", "application/json").build(),
                body.getBytes(StandardCharsets.UTF_8), ResponseSource.UPSTREAM);
    }

    private AsyncUpstream upstream(CompletableFuture<TokenHttpResponse> answer) {
        return () -> {
            calls.incrementAndGet();
            return answer;
        };
    }

    @Test
    void anAsynchronousFollowerInAnotherJvmNeverBlocksAndGetsTheLeadersAnswer() throws Exception {
        AgentSettings settings = settings(Mode.ENFORCE, rule);
        FleetJvm a = jvm(settings);
        FleetJvm b = jvm(settings);
        CompletableFuture<TokenHttpResponse> leaderAnswer = new CompletableFuture<>();
        CompletableFuture<TokenHttpResponse> leader = a.guard.exchangeAsync(rule, twitterBearer("app"),
                upstream(leaderAnswer));
        long start = System.nanoTime();
        CompletableFuture<TokenHttpResponse> follower = b.guard.exchangeAsync(rule, twitterBearer("app"),
                upstream(new CompletableFuture<>()));
        assertThat(System.nanoTime() - start).as("returned without waiting for the leader")
                .isLessThan(TimeUnit.MILLISECONDS.toNanos(250));
        assertThat(follower).isNotDone();
        leaderAnswer.complete(answer(200, "{\"access_token\":\"AAAA\",\"expires_in\":3600}"));
        assertThat(leader.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
        TokenHttpResponse served = follower.get(5, TimeUnit.SECONDS);
        assertThat(served.source()).isEqualTo(ResponseSource.CACHE);
        assertThat(FakeIdp.text(served)).contains("AAAA");
        assertThat(calls).hasValue(1);
        assertThat(b.fleet.leaseWaits).containsExactly("served");
    }

    @Test
    void anAnswerThatMayNotBeCachedReleasesTheLeaseAndTheFollowerSendsItsOwn() throws Exception {
        AgentSettings settings = settings(Mode.ENFORCE, rule);
        FleetJvm a = jvm(settings);
        FleetJvm b = jvm(settings);
        CompletableFuture<TokenHttpResponse> leaderAnswer = new CompletableFuture<>();
        CompletableFuture<TokenHttpResponse> leader = a.guard.exchangeAsync(rule, twitterBearer("app"),
                upstream(leaderAnswer));
        CompletableFuture<TokenHttpResponse> follower = b.guard.exchangeAsync(rule, twitterBearer("app"),
                upstream(CompletableFuture.completedFuture(answer(200, "{\"access_token\":\"BBBB\"}"))));
        Awaitility.await().until(() -> b.fleet.calls.get() >= 2); // it polls: it found A's lease
        leaderAnswer.complete(answer(400, "{\"error\":\"invalid_client\"}"));
        assertThat(leader.get(5, TimeUnit.SECONDS).status()).isEqualTo(400);
        TokenHttpResponse own = follower.get(5, TimeUnit.SECONDS);
        assertThat(own.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(FakeIdp.text(own)).contains("BBBB");
        assertThat(b.fleet.leaseWaits).containsExactly("lead");
        assertThat(calls).hasValue(2);
    }

    @Test
    void aLeaderThatDiedLetsItsLeaseRunOutThenAFollowerLeads() throws Exception {
        // The lease is as long as coalesce.max-wait (capped at 10 s): short here.
        AgentSettings settings = AgentSettings.builder().mode(Mode.ENFORCE).rule(rule)
                .coalesceMaxWait(Duration.ofMillis(300)).build();
        FleetJvm dead = jvm(settings);
        FleetJvm b = jvm(settings);
        // A JVM that took the lease and was never heard of again.
        String fingerprint = fingerprintOf(dead);
        GuardStores deadStores = GuardStores.fleet(clock, settings, dead.link);
        assertThat(deadStores.answers.get(fingerprint).join()).as("it leads").isNull();
        long start = System.nanoTime();
        TokenHttpResponse own = b.guard.exchange(rule, twitterBearer("app"), new FakeIdp().upstream());
        long waited = System.nanoTime() - start;
        assertThat(own.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(b.fleet.leaseWaits).containsExactly("lead");
        assertThat(waited).isBetween(TimeUnit.MILLISECONDS.toNanos(200), TimeUnit.MILLISECONDS.toNanos(2_000));
    }

    @Test
    void aFollowerInAnotherJvmWaitsNoLongerThanItsOwnReadTimeout() throws Exception {
        // A lease of 10 s (coalesce.max-wait), held by a JVM that never answers; the follower's client
        // reads with a 400 ms timeout: it waits that long, not the lease, then sends its own.
        AgentSettings settings = AgentSettings.builder().mode(Mode.ENFORCE).rule(rule)
                .coalesceMaxWait(Duration.ofSeconds(10)).build();
        FleetJvm dead = jvm(settings);
        FleetJvm b = jvm(settings);
        String fingerprint = fingerprintOf(dead);
        GuardStores deadStores = GuardStores.fleet(clock, settings, dead.link);
        assertThat(deadStores.answers.get(fingerprint).join()).as("it leads").isNull();
        io.tokenguard.bootstrap.TokenHttpRequest twoHundred = twitterBearer("app");
        io.tokenguard.bootstrap.TokenHttpRequest withTimeout = new io.tokenguard.bootstrap.TokenHttpRequest(
                twoHundred.client(), twoHundred.method(), twoHundred.url(), twoHundred.headers(), twoHundred.body(),
                400);
        long start = System.nanoTime();
        TokenHttpResponse own = b.guard.exchange(rule, withTimeout, new FakeIdp().upstream());
        long waited = System.nanoTime() - start;
        assertThat(own.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(b.fleet.leaseWaits).containsExactly("gave-up");
        assertThat(waited).isBetween(TimeUnit.MILLISECONDS.toNanos(350), TimeUnit.MILLISECONDS.toNanos(3_000));
    }

    /** The fingerprint the guards compute for twitterBearer("app") under the fleet's identity key. */
    private String fingerprintOf(FleetJvm j) {
        IdentityHasher hasher = new IdentityHasher(IdentityKey.of(j.link.keys().identitySecret()));
        io.tokenguard.bootstrap.TokenHttpRequest request = twitterBearer("app");
        return RequestIdentity.of(hasher, new CredentialSources(), new AssertionIdentities(hasher, GuardClock.SYSTEM), rule, request, TokenRequestParser.parse(request),
                AgentSettings.builder().build().identityHeaders()).fingerprint();
    }
}
