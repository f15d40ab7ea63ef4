package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.FleetKeyRing;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.fleet.RedisServerFixture;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Two guards, two "JVMs" (each its own link, first level and in-flight table), sharing one real
 * redis-server and one fleet key: what one decides, the other keeps to.
 */
class FleetGuardsTest {
    private static RedisServerFixture redis;
    private final FakeClock clock = new FakeClock();
    private final FleetKeyRing keys = FleetKeyRing.of(TestFleet.newKey());
    private final String name = "app-" + UUID.randomUUID();
    private final List<FleetJvm> jvms = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

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
        pool.shutdownNow();
        jvms.forEach(FleetJvm::close);
    }

    private FleetJvm jvm(AgentSettings settings, FleetKeyRing ring) {
        FleetJvm j = new FleetJvm(redis.uri(), ring, name, settings, clock);
        jvms.add(j);
        return j;
    }

    /** Upstream held until released, counting the calls of every JVM. */
    private static final class GatedIdp {
        final FakeIdp idp = new FakeIdp();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        Upstream upstream() {
            Upstream inner = idp.upstream();
            return () -> {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                return inner.send();
            };
        }
    }

    @Test
    void concurrentIdenticalRequestsOnTwoJvmsMakeOneUpstreamCall() throws Exception {
        EndpointRule rule = twitter();
        AgentSettings settings = settings(Mode.ENFORCE, rule);
        FleetJvm a = jvm(settings, keys);
        FleetJvm b = jvm(settings, keys);
        GatedIdp gated = new GatedIdp();
        List<Future<TokenHttpResponse>> results = new ArrayList<>();
        results.add(pool.submit(() -> a.guard.exchange(rule, twitterBearer("app"), gated.upstream())));
        assertThat(gated.entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 7; i++) {
            Guard g = i % 2 == 0 ? b.guard : a.guard;
            results.add(pool.submit(() -> g.exchange(rule, twitterBearer("app"), gated.upstream())));
        }
        // B's requests find A's lease and poll for its answer; then A's answer lands.
        org.awaitility.Awaitility.await().until(() -> b.fleet.calls.get() >= 8);
        gated.release.countDown();
        List<String> bodies = new ArrayList<>();
        for (Future<TokenHttpResponse> f : results) {
            TokenHttpResponse r = f.get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            bodies.add(FakeIdp.text(r));
        }
        assertThat(gated.idp.calls).as("one upstream call for the fleet").hasValue(1);
        assertThat(bodies).containsOnly(bodies.get(0));
        assertThat(b.fleet.leaseWaits).isNotEmpty().containsOnly("served");
        assertThat(b.listener.count("upstream")).isZero();
    }

    @Test
    void theLinkStartsNoThread() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        EndpointRule rule = eloqua(OnLimit.REJECT);
        FleetJvm a = jvm(settings(Mode.ENFORCE, rule), keys);
        FakeIdp idp = new FakeIdp();
        for (int i = 0; i < 5; i++) {
            a.guard.exchange(rule, eloquaPassword("user" + i, "pw"), idp.upstream());
        }
        List<String> started = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(t) && !t.getName().startsWith("pool-") && !t.getName().equals("tokenguard-delay")) {
                started.add(t.getName());
            }
        }
        assertThat(started).as("no evictor, no event loop, no timer of Jedis'").isEmpty();
        assertThat(a.fleet.calls.get()).isGreaterThan(5);
    }

    @Test
    void aSecondLevelHitIsServedWithTheLifetimeLeftAndKeptLocally() throws Exception {
        EndpointRule rule = twitter();
        AgentSettings settings = settings(Mode.ENFORCE, rule);
        FleetJvm a = jvm(settings, keys);
        FakeIdp idp = new FakeIdp();
        assertThat(a.guard.exchange(rule, twitterBearer("app"), idp.upstream()).status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(10));
        FleetJvm b = jvm(settings, keys);
        TokenHttpResponse served = b.guard.exchange(rule, twitterBearer("app"), idp.upstream());
        assertThat(served.source()).isEqualTo(ResponseSource.CACHE);
        assertThat(FakeIdp.text(served)).contains("\"expires_in\":3000");
        assertThat(b.fleet.secondLevelHits).hasValue(1);
        int callsBefore = b.fleet.calls.get();
        assertThat(b.guard.exchange(rule, twitterBearer("app"), idp.upstream()).source()).isEqualTo(ResponseSource.CACHE);
        assertThat(b.fleet.calls).as("the second time from the first level").hasValue(callsBefore);
        assertThat(idp.calls).hasValue(1);
    }

    @Test
    void aPerUserLimitHoldsAcrossJvms() throws Exception {
        EndpointRule rule = eloqua(OnLimit.REJECT);
        AgentSettings settings = settings(Mode.ENFORCE, rule);
        FleetJvm a = jvm(settings, keys);
        FleetJvm b = jvm(settings, keys);
        FakeIdp idp = new FakeIdp();
        idp.body = "{\"access_token\":\"tok-1\",\"expires_in\":28800}";
        assertThat(a.guard.exchange(rule, eloquaPassword("alice", "first"), idp.upstream()).status()).isEqualTo(200);
        // Another password: not the cached answer, but the same user's one sign-in a minute.
        TokenHttpResponse second = b.guard.exchange(rule, eloquaPassword("alice", "second"), idp.upstream());
        assertThat(second.status()).isEqualTo(429);
        assertThat(second.source()).isEqualTo(ResponseSource.LOCAL_THROTTLE);
        assertThat(b.guard.exchange(rule, eloquaPassword("bob", "x"), idp.upstream()).status())
                .as("another user").isEqualTo(200);
        assertThat(idp.calls).hasValue(2);
        clock.advance(Duration.ofSeconds(61));
        assertThat(b.guard.exchange(rule, eloquaPassword("alice", "second"), idp.upstream()).status()).isEqualTo(200);
        assertThat(idp.calls).hasValue(3);
    }

    @Test
    void onLimitDelayWaitsOnTheSharedSchedule() throws Exception {
        EndpointRule rule = EndpointRule.builder("eloqua").url(ELOQUA_URL).limit("1/60s").onLimit(OnLimit.DELAY)
                .maxDelay(Duration.ofMinutes(2)).defaultTtl(Duration.ofHours(8)).build();
        AgentSettings settings = settings(Mode.ENFORCE, rule);
        FleetJvm a = jvm(settings, keys);
        FleetJvm b = jvm(settings, keys);
        FakeIdp idp = new FakeIdp();
        long start = clock.nanoTime();
        assertThat(a.guard.exchange(rule, eloquaPassword("alice", "first"), idp.upstream()).status()).isEqualTo(200);
        // The fake clock's park moves time: B waited the rest of A's minute, not a minute of its own.
        assertThat(b.guard.exchange(rule, eloquaPassword("alice", "second"), idp.upstream()).status()).isEqualTo(200);
        long waited = clock.nanoTime() - start;
        assertThat(waited).isBetween(TimeUnit.SECONDS.toNanos(59), TimeUnit.SECONDS.toNanos(61));
        assertThat(idp.calls).hasValue(2);
    }

    @Test
    void observeModeCountsFleetWideAndLeavesEnforceModesKeysAlone() throws Exception {
        EndpointRule rule = eloqua(OnLimit.REJECT);
        AgentSettings observe = settings(Mode.OBSERVE, rule);
        FleetJvm a = jvm(observe, keys);
        FleetJvm b = jvm(observe, keys);
        FakeIdp idp = new FakeIdp();
        idp.body = "{\"access_token\":\"tok-1\",\"expires_in\":28800}";
        a.guard.exchange(rule, eloquaPassword("alice", "first"), idp.upstream());
        b.guard.exchange(rule, eloquaPassword("alice", "first"), idp.upstream());
        b.guard.exchange(rule, eloquaPassword("alice", "second"), idp.upstream());
        assertThat(idp.calls).as("observe mode sends everything").hasValue(3);
        assertThat(b.listener.count("would_cache")).as("A's answer, which enforce would have kept").isEqualTo(1);
        assertThat(b.listener.count("would_throttle")).as("alice's one sign-in a minute, spent in A").isEqualTo(1);

        FleetJvm enforcing = jvm(settings(Mode.ENFORCE, rule), keys);
        TokenHttpResponse r = enforcing.guard.exchange(rule, eloquaPassword("alice", "first"), idp.upstream());
        assertThat(r.source()).as("nothing of observe mode's is served or counted").isEqualTo(ResponseSource.UPSTREAM);
    }

    @Test
    void aCooldownStartedInOneJvmHoldsInTheOther() throws Exception {
        EndpointRule rule = twitter();
        AgentSettings settings = settings(Mode.ENFORCE, rule);
        FleetJvm a = jvm(settings, keys);
        FleetJvm b = jvm(settings, keys);
        FakeIdp idp = new FakeIdp();
        idp.status = 403;
        idp.body = "{\"errors\":[{\"code\":99,\"message\":\"Unable to verify your credentials\"}]}";
        assertThat(a.guard.exchange(rule, twitterBearer("app"), idp.upstream()).status()).isEqualTo(403);
        clock.advance(Duration.ofMinutes(5));
        TokenHttpResponse held = b.guard.exchange(rule, twitterBearer("app"), idp.upstream());
        assertThat(held.status()).isEqualTo(403);
        assertThat(held.source()).isEqualTo(ResponseSource.LOCAL_COOLDOWN);
        assertThat(held.headers().first("Retry-After")).isEqualTo("600");
        idp.status = 200;
        idp.body = "{\"access_token\":\"AAAA\",\"expires_in\":3600}";
        assertThat(b.guard.exchange(rule, twitterBearer("other"), idp.upstream()).status())
                .as("another identity").isEqualTo(200);
        assertThat(idp.calls).hasValue(2);
        clock.advance(Duration.ofMinutes(11));
        assertThat(b.guard.exchange(rule, twitterBearer("app"), idp.upstream()).status()).isEqualTo(200);
    }

    @Test
    void aJvmWithAnotherFleetKeyNeverServesTheOthersAnswer() throws Exception {
        EndpointRule rule = twitter();
        AgentSettings settings = settings(Mode.ENFORCE, rule);
        FleetJvm a = jvm(settings, keys);
        FleetJvm stranger = jvm(settings, FleetKeyRing.of(TestFleet.newKey()));
        FakeIdp idp = new FakeIdp();
        a.guard.exchange(rule, twitterBearer("app"), idp.upstream());
        TokenHttpResponse own = stranger.guard.exchange(rule, twitterBearer("app"), idp.upstream());
        assertThat(own.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(2);
        assertThat(stranger.fleet.secondLevelHits).hasValue(0);
    }

    @Test
    void aValueThatDoesNotOpenIsAMissNeverServedNeverAnError() throws Exception {
        EndpointRule rule = twitter();
        AgentSettings settings = settings(Mode.ENFORCE, rule);
        FleetJvm a = jvm(settings, keys);
        FakeIdp idp = new FakeIdp();
        a.guard.exchange(rule, twitterBearer("app"), idp.upstream());
        try (Jedis raw = new Jedis("127.0.0.1", redis.port())) {
            for (String key : raw.keys(a.link.keys().namespace() + "a:*")) {
                byte[] value = raw.get(key.getBytes(StandardCharsets.UTF_8));
                value[value.length - 3] ^= 0x40;
                raw.set(key.getBytes(StandardCharsets.UTF_8), value);
            }
        }
        FleetJvm b = jvm(settings, keys);
        TokenHttpResponse own = b.guard.exchange(rule, twitterBearer("app"), idp.upstream());
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(b.listener.faults).isEmpty();
        assertThat(idp.calls).hasValue(2);
    }

    @Test
    void noValueOrKeyInRedisHoldsATokenOrASecretInAnyEncoding() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        EndpointRule twitter = twitter();
        AgentSettings settings = AgentSettings.builder().mode(Mode.ENFORCE).rule(eloqua).rule(twitter).build();
        FleetJvm a = jvm(settings, keys);
        FakeIdp idp = new FakeIdp();
        idp.body = "{\"access_token\":\"AT-sekr1t-access\",\"refresh_token\":\"RT-sekr1t-refresh\",\"expires_in\":28800}";
        a.guard.exchange(eloqua, eloquaPassword("alice", "Pa55-sekr1t-word"), idp.upstream());
        a.guard.exchange(eloqua, eloquaRefresh("RT-sekr1t-refresh"), idp.upstream());
        a.guard.exchange(twitter, twitterBearer("consumer-sekr1t"), idp.upstream());
        idp.status = 429;
        idp.body = "{\"error\":\"slow down\",\"access_token\":\"AT-sekr1t-in-429\"}";
        a.guard.exchange(eloqua, eloquaPassword("carol", "Pa55-sekr1t-carol"), idp.upstream());
        clock.advance(Duration.ofSeconds(61));
        a.guard.exchange(eloqua, eloquaPassword("carol", "Pa55-sekr1t-carol"), idp.upstream());

        List<String> secrets = List.of("AT-sekr1t-access", "RT-sekr1t-refresh", "Pa55-sekr1t-word",
                "consumer-sekr1t-secret", "sample-app-secret", "AT-sekr1t-in-429", "Pa55-sekr1t-carol", "alice",
                "carol", "sample-app-client");
        List<byte[]> stored = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (Jedis raw = new Jedis("127.0.0.1", redis.port())) {
            Set<String> all = raw.keys("*");
            assertThat(all).as("answers, leases, buckets and cooldowns were written").hasSizeGreaterThan(3);
            for (String key : all) {
                names.add(key);
                stored.add(raw.get(key.getBytes(StandardCharsets.UTF_8)));
                stored.add(raw.dump(key.getBytes(StandardCharsets.UTF_8)));
            }
        }
        assertThat(names).as("every key of every test on this server").allMatch(k -> k.startsWith("tg:"));
        assertThat(names).anyMatch(k -> k.startsWith(a.link.keys().namespace()));
        for (String secret : secrets) {
            for (String form : encodings(secret)) {
                byte[] needle = form.getBytes(StandardCharsets.UTF_8);
                assertThat(names).noneMatch(n -> n.contains(form));
                assertThat(stored).as(form).noneMatch(v -> v != null && indexOf(v, needle) >= 0);
            }
        }
    }

    private static List<String> encodings(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        List<String> forms = new ArrayList<>(List.of(s, URLEncoder.encode(s, StandardCharsets.UTF_8),
                Base64.getEncoder().encodeToString(b), Base64.getUrlEncoder().withoutPadding().encodeToString(b)));
        // Base64 of the secret inside a longer text starts at any of three offsets: a distinctive core of each.
        for (int shift = 1; shift < 3; shift++) {
            byte[] padded = new byte[b.length + shift];
            System.arraycopy(b, 0, padded, shift, b.length);
            String enc = Base64.getEncoder().encodeToString(padded);
            String core = enc.substring(4, enc.length() - 4);
            if (core.length() >= 8) {
                forms.add(core); // shorter ones would match anything by chance
            }
        }
        return forms;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
