package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The seam between the guard and its stores: the moments at which a request could find neither
 * the settled answer nor the request in flight (each forced by a store that lets another request
 * run at exactly that point), observe mode's distance from the configured stores, and guards that
 * share stores, with and without sharing the identity key.
 */
@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class GuardStoreSeamTest {
    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final RecordingListener listener = new RecordingListener();
    private final EndpointRule twitter = twitter();
    private final AgentSettings settings = settings(Mode.ENFORCE, twitter);
    private final GuardStores base;

    GuardStoreSeamTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
        this.base = backEnd.stores(clock, settings);
    }

    private AsyncUpstream async(Upstream upstream) {
        return () -> {
            try {
                return CompletableFuture.completedFuture(upstream.send());
            } catch (Exception e) {
                return Futures.failed(e);
            }
        };
    }

    /**
     * A request's look-up misses; before it reaches the in-flight table, another identical request
     * leads, is answered, stores the answer and leaves the table. The late one finds neither where
     * it looked first: it must look into the store again rather than send a second call.
     */
    @Test
    void aRequestThatMissedWhileALeaderLandedIsAnsweredFromTheStore() throws Exception {
        AtomicReference<Runnable> afterTheFirstLookUp = new AtomicReference<>();
        AnswerStore answers = new ForwardingStores.Answers(base.answers) {
            @Override
            public CompletableFuture<Outcome> get(String fingerprint) {
                CompletableFuture<Outcome> found = super.get(fingerprint);
                found.join();
                Runnable meanwhile = afterTheFirstLookUp.getAndSet(null);
                if (meanwhile != null) {
                    meanwhile.run();
                }
                return found;
            }
        };
        Guard guard = new Guard(settings, clock, listener, new GuardStores(answers, base.permits, base.cooldowns),
                IdentityKey.random());
        List<TokenHttpResponse> leader = new CopyOnWriteArrayList<>();
        afterTheFirstLookUp.set(() -> {
            try {
                leader.add(guard.exchange(twitter, twitterBearer("app"), idp.upstream()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });

        TokenHttpResponse late = guard.exchange(twitter, twitterBearer("app"), idp.upstream());

        assertThat(leader).singleElement().satisfies(r -> assertThat(r.source()).isEqualTo(ResponseSource.UPSTREAM));
        assertThat(late.source()).isEqualTo(ResponseSource.CACHE);
        assertThat(FakeIdp.text(late)).isEqualTo(FakeIdp.text(leader.get(0)));
        assertThat(idp.calls).hasValue(1);
        assertThat(listener.count("upstream")).isEqualTo(1);
        assertThat(listener.count("cache")).isEqualTo(1);
    }

    /** While a leader's answer is on its way into the store, the leader is still in flight: a request joins it. */
    @Test
    void whileTheAnswerIsBeingStoredItsLeaderIsStillInFlight() throws Exception {
        AtomicReference<Runnable> beforeThePut = new AtomicReference<>();
        AnswerStore answers = new ForwardingStores.Answers(base.answers) {
            @Override
            public CompletableFuture<Void> put(String fingerprint, Outcome outcome) {
                Runnable meanwhile = beforeThePut.getAndSet(null);
                if (meanwhile != null) {
                    meanwhile.run();
                }
                return super.put(fingerprint, outcome);
            }
        };
        Guard guard = new Guard(settings, clock, listener, new GuardStores(answers, base.permits, base.cooldowns),
                IdentityKey.random());
        AtomicReference<CompletableFuture<TokenHttpResponse>> arrived = new AtomicReference<>();
        beforeThePut.set(() -> arrived.set(guard.exchangeAsync(twitter, twitterBearer("app"), async(idp.upstream()))));

        TokenHttpResponse first = guard.exchange(twitter, twitterBearer("app"), idp.upstream());

        TokenHttpResponse joined = arrived.get().get(5, TimeUnit.SECONDS);
        assertThat(FakeIdp.text(joined)).isEqualTo(FakeIdp.text(first));
        assertThat(joined.source()).isIn(ResponseSource.COALESCED, ResponseSource.CACHE);
        assertThat(idp.calls).hasValue(1);
        assertThat(guard.exchange(twitter, twitterBearer("app"), idp.upstream()).source())
                .isEqualTo(ResponseSource.CACHE);
    }

    /** An answer that may not be cached reaches those already waiting for it, and no one after. */
    @Test
    void anUncacheableAnswerIsSharedOnlyWithThoseAlreadyWaiting() throws Exception {
        Guard guard = new Guard(settings, clock, listener, base, IdentityKey.random());
        CompletableFuture<TokenHttpResponse> inFlight = new CompletableFuture<>();
        AsyncUpstream pending = () -> {
            idp.calls.incrementAndGet();
            return inFlight;
        };
        CompletableFuture<TokenHttpResponse> leader = guard.exchangeAsync(twitter, twitterBearer("app"), pending);
        CompletableFuture<TokenHttpResponse> waiting = guard.exchangeAsync(twitter, twitterBearer("app"), pending);
        DeferredStores.awaitIdle();
        inFlight.complete(new TokenHttpResponse(400, "Bad Request", HttpHeaders.builder()
                .add("Content-Type", "application/json").build(), "{\"error\":\"invalid_client\"}".getBytes(),
                ResponseSource.UPSTREAM));

        assertThat(leader.get(5, TimeUnit.SECONDS).status()).isEqualTo(400);
        assertThat(waiting.get(5, TimeUnit.SECONDS).status()).isEqualTo(400);
        assertThat(waiting.get().source()).isEqualTo(ResponseSource.COALESCED);
        TokenHttpResponse after = guard.exchange(twitter, twitterBearer("app"), idp.upstream());
        assertThat(after.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(after.status()).isEqualTo(200);
        assertThat(idp.calls).hasValue(2);
    }

    /**
     * Observe mode counts against stores of its own: the configured ones (shared, perhaps, with
     * JVMs that enforce) are never asked nor told anything.
     */
    @Test
    void observeModeNeverTouchesTheConfiguredStores() throws Exception {
        List<String> touched = new CopyOnWriteArrayList<>();
        GuardStores watched = new GuardStores(new ForwardingStores.Answers(base.answers) {
            @Override
            public CompletableFuture<Outcome> get(String fingerprint) {
                touched.add("answers.get");
                return super.get(fingerprint);
            }

            @Override
            public CompletableFuture<Void> put(String fingerprint, Outcome outcome) {
                touched.add("answers.put");
                return super.put(fingerprint, outcome);
            }
        }, new ForwardingStores.Permits(base.permits) {
            @Override
            public CompletableFuture<Permit> tryAcquire(EndpointRule rule, List<String> keys) {
                touched.add("permits.tryAcquire");
                return super.tryAcquire(rule, keys);
            }

            @Override
            public CompletableFuture<Boolean> acquireLater(EndpointRule rule, List<String> keys, long maxWaitNanos,
                                                           ScheduledExecutorService timer) {
                touched.add("permits.acquireLater");
                return super.acquireLater(rule, keys, maxWaitNanos, timer);
            }
        }, new ForwardingStores.Cooldowns(base.cooldowns) {
            @Override
            public CompletableFuture<Void> start(List<String> keys, String kind, TokenHttpResponse providerAnswer,
                                                 long durationNanos) {
                touched.add("cooldowns.start");
                return super.start(keys, kind, providerAnswer, durationNanos);
            }

            @Override
            public CompletableFuture<Cooldown> current(List<String> keys) {
                touched.add("cooldowns.current");
                return super.current(keys);
            }
        });
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard guard = new Guard(settings(Mode.OBSERVE, eloqua), clock, listener, watched, IdentityKey.random());
        guard.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream());
        guard.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream());
        guard.exchange(eloqua, eloquaPassword("alice", "typo"), idp.upstream());
        idp.status = 429;
        idp.body = "{\"error\":\"too_many_requests\"}";
        guard.exchange(eloqua, eloquaPassword("bob", "bob-pw"), idp.upstream());
        guard.exchange(eloqua, eloquaPassword("bob", "again"), idp.upstream());

        assertThat(idp.calls).hasValue(5);
        assertThat(listener.count("would_cache")).isEqualTo(1);
        assertThat(listener.count("would_throttle")).isEqualTo(2);
        assertThat(touched).isEmpty();
        assertThat(guard.cacheSize()).isZero();
    }

    /** Two guards over one store with one key, as two JVMs of a fleet: what one learnt holds for the other. */
    @Test
    void guardsSharingStoresAndKeyShareAnswersLimitsAndCooldowns() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        AgentSettings limited = settings(Mode.ENFORCE, eloqua);
        GuardStores shared = backEnd.stores(clock, limited);
        IdentityKey key = IdentityKey.of("a secret the fleet shares, 32 bytes or more".getBytes());
        Guard one = new Guard(limited, clock, listener, shared, key);
        Guard two = new Guard(limited, clock, listener, shared, key);

        assertThat(one.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream()).source())
                .isEqualTo(ResponseSource.UPSTREAM);
        assertThat(two.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream()).source())
                .isEqualTo(ResponseSource.CACHE);
        assertThat(two.exchange(eloqua, eloquaPassword("alice", "typo"), idp.upstream()).source())
                .as("alice's permit was taken by the other guard").isEqualTo(ResponseSource.LOCAL_THROTTLE);
        idp.status = 429;
        idp.body = "{\"error\":\"too_many_requests\"}";
        one.exchange(eloqua, eloquaPassword("bob", "bob-pw"), idp.upstream());
        assertThat(two.exchange(eloqua, eloquaPassword("bob", "again"), idp.upstream()).source())
                .isEqualTo(ResponseSource.LOCAL_COOLDOWN);
        assertThat(idp.calls).hasValue(2);
    }

    /** Under another key the same request has other keys: nothing one guard stored matches for the other. */
    @Test
    void guardsWithDifferentKeysShareNothingEvenOverOneStore() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        AgentSettings limited = settings(Mode.ENFORCE, eloqua);
        GuardStores shared = backEnd.stores(clock, limited);
        Guard one = new Guard(limited, clock, listener, shared, IdentityKey.random());
        Guard two = new Guard(limited, clock, listener, shared, IdentityKey.random());

        one.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream());
        assertThat(two.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream()).source())
                .isEqualTo(ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(2);
    }

    @Test
    void anIdentityKeyIsLongEnoughAndNeverPrinted() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IdentityKey.of(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes();
        assertThat(IdentityKey.of(secret).toString()).doesNotContain("0123").isEqualTo("IdentityKey[hidden]");
    }
}
