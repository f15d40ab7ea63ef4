package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.config.OnBreach;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fail-open of the stores, as GuardFaultTest proves it for the engine's stages: a store is part of
 * the cache stage (answers) or the throttle stage (permits, cooldowns). A look-up that fails makes
 * the guard step aside, so every request reaches the provider as without TokenGuard; a write that
 * fails after the decision loses only what it would have kept. Every fault is counted under its
 * stage, whether the store throws or fails its future, with a RuntimeException or an Error.
 */
@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class GuardStoreFaultTest {
    private static final int REQUESTS = 4;

    /** How a store call goes wrong. */
    enum Failure {
        THROWS_RUNTIME_EXCEPTION, THROWS_ERROR, FAILS_WITH_RUNTIME_EXCEPTION, FAILS_WITH_ERROR;

        <T> CompletableFuture<T> happen() {
            Throwable t = this == THROWS_ERROR || this == FAILS_WITH_ERROR
                    ? new LinkageError("store broke") : new IllegalStateException("store broke");
            if (this == THROWS_RUNTIME_EXCEPTION) {
                throw (RuntimeException) t;
            }
            if (this == THROWS_ERROR) {
                throw (Error) t;
            }
            return Futures.failed(t);
        }
    }

    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final RecordingListener listener = new RecordingListener();
    private final EndpointRule eloqua = eloqua(OnLimit.REJECT);

    GuardStoreFaultTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
    }

    /** The one store call that fails, the others are the back end's own. */
    private enum Broken {
        ANSWERS_GET, ANSWERS_PUT, COOLDOWNS_CURRENT, COOLDOWNS_START, PERMITS_TRY_ACQUIRE, PERMITS_REFUND
    }

    private Guard guard(AgentSettings settings, Broken broken, Failure failure) {
        GuardStores s = backEnd.stores(clock, settings);
        AnswerStore answers = new ForwardingStores.Answers(s.answers) {
            @Override
            public CompletableFuture<Outcome> get(String fingerprint) {
                return broken == Broken.ANSWERS_GET ? failure.happen() : super.get(fingerprint);
            }

            @Override
            public CompletableFuture<Void> put(String fingerprint, Outcome outcome) {
                return broken == Broken.ANSWERS_PUT ? failure.happen() : super.put(fingerprint, outcome);
            }
        };
        PermitStore permits = new ForwardingStores.Permits(s.permits) {
            @Override
            public CompletableFuture<Permit> tryAcquire(EndpointRule rule, List<String> keys) {
                return broken == Broken.PERMITS_TRY_ACQUIRE ? failure.happen() : super.tryAcquire(rule, keys);
            }

            @Override
            public CompletableFuture<Void> refund(EndpointRule rule, List<String> keys) {
                return broken == Broken.PERMITS_REFUND ? failure.happen() : super.refund(rule, keys);
            }
        };
        CooldownStore cooldowns = new ForwardingStores.Cooldowns(s.cooldowns) {
            @Override
            public CompletableFuture<Void> start(List<String> keys, String kind, TokenHttpResponse providerAnswer,
                                                 long durationNanos) {
                return broken == Broken.COOLDOWNS_START ? failure.happen()
                        : super.start(keys, kind, providerAnswer, durationNanos);
            }

            @Override
            public CompletableFuture<Cooldown> current(List<String> keys) {
                return broken == Broken.COOLDOWNS_CURRENT ? failure.happen() : super.current(keys);
            }
        };
        return new Guard(settings, clock, listener, new GuardStores(answers, permits, cooldowns), IdentityKey.random());
    }

    private List<TokenHttpResponse> sameRequest(Guard guard, int times) throws Exception {
        List<TokenHttpResponse> answers = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            answers.add(guard.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream()));
        }
        return answers;
    }

    /** What the failing look-ups are checked against: the same requests without TokenGuard. */
    private List<String> bare() throws Exception {
        FakeIdp alone = new FakeIdp();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            bodies.add(FakeIdp.text(alone.upstream().send()));
        }
        return bodies;
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void aFailingAnswerLookUpStepsAside(Failure failure) throws Exception {
        List<TokenHttpResponse> answers = sameRequest(guard(settings(Mode.ENFORCE, eloqua), Broken.ANSWERS_GET,
                failure), REQUESTS);

        assertThat(answers).extracting(FakeIdp::text).isEqualTo(bare());
        assertThat(answers).allSatisfy(a -> assertThat(a.source()).isEqualTo(ResponseSource.UPSTREAM));
        assertThat(listener.count("passthrough")).isEqualTo(REQUESTS);
        assertThat(listener.faults).hasSize(REQUESTS).containsOnly("cache");
        assertThat(listener.violations).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = Broken.class, names = {"COOLDOWNS_CURRENT", "PERMITS_TRY_ACQUIRE"})
    void aFailingThrottleLookUpStepsAside(Broken broken) throws Exception {
        for (Failure failure : Failure.values()) {
            listener.faults.clear();
            listener.outcomes.clear();
            idp.calls.set(0);
            List<TokenHttpResponse> answers = sameRequest(guard(settings(Mode.ENFORCE, eloqua), broken, failure),
                    REQUESTS);

            assertThat(answers).as(failure.name()).extracting(FakeIdp::text).isEqualTo(bare());
            assertThat(listener.count("passthrough")).isEqualTo(REQUESTS);
            assertThat(listener.faults).hasSize(REQUESTS).containsOnly("throttle");
        }
        assertThat(listener.violations).isEmpty();
    }

    /** The answer is served all the same; only the caching is lost: the next identical request asks again. */
    @ParameterizedTest
    @EnumSource(Failure.class)
    void aFailingPutLosesOnlyTheCaching(Failure failure) throws Exception {
        Guard guard = guard(settings(Mode.ENFORCE, TestRequests.twitter()), Broken.ANSWERS_PUT, failure);
        for (int i = 0; i < REQUESTS; i++) {
            TokenHttpResponse r = guard.exchange(TestRequests.twitter(), twitterBearer("app"), idp.upstream());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.source()).isEqualTo(ResponseSource.UPSTREAM);
        }
        assertThat(idp.calls).hasValue(REQUESTS);
        assertThat(listener.count("upstream")).isEqualTo(REQUESTS);
        assertThat(listener.faults).hasSize(REQUESTS).containsOnly("cache");
        assertThat(guard.cacheSize()).isZero();
    }

    /** The provider's "back off" still reaches the app and is counted; only the local hold is lost. */
    @ParameterizedTest
    @EnumSource(Failure.class)
    void aFailingCooldownStartLosesOnlyTheHold(Failure failure) throws Exception {
        idp.status = 429;
        idp.headers = HttpHeaders.builder().add("Content-Type", "application/json").add("Retry-After", "20").build();
        idp.body = "{\"error\":\"too_many_requests\"}";
        EndpointRule unlimited = EndpointRule.builder("idp").url(ELOQUA_URL).build();
        Guard guard = guard(settings(Mode.ENFORCE, unlimited), Broken.COOLDOWNS_START, failure);
        List<TokenHttpResponse> answers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            answers.add(guard.exchange(unlimited, eloquaPassword("alice", "alice-pw"), idp.upstream()));
        }

        assertThat(answers).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(429);
            assertThat(a.source()).isEqualTo(ResponseSource.UPSTREAM);
        });
        assertThat(idp.calls).hasValue(2);
        assertThat(listener.faults).hasSize(2).containsOnly("throttle");
        assertThat(listener.violations).extracting(Violation::kind).contains(Violation.UPSTREAM_RATE_LIMITED);
    }

    /** A permit that could not be given back is counted; the guardrail's answer is the same. */
    @ParameterizedTest
    @EnumSource(Failure.class)
    void aFailingRefundChangesNoAnswer(Failure failure) throws Exception {
        AgentSettings s = AgentSettings.builder().mode(Mode.ENFORCE).rule(eloqua).maxUpstreamPerMinute(1)
                .onBreach(OnBreach.REJECT).build();
        Guard guard = guard(s, Broken.PERMITS_REFUND, failure);
        assertThat(guard.exchange(eloqua, eloquaPassword("alice", "pw"), idp.upstream()).status()).isEqualTo(200);
        TokenHttpResponse breach = guard.exchange(eloqua, eloquaPassword("bob", "pw"), idp.upstream());

        assertThat(breach.source()).isEqualTo(ResponseSource.LOCAL_THROTTLE);
        assertThat(idp.calls).hasValue(1);
        assertThat(listener.faults).containsExactly("throttle");
    }

    @Test
    void withoutABrokenStoreNothingIsCounted() throws Exception {
        EndpointRule twitter = TestRequests.twitter();
        Guard guard = new Guard(settings(Mode.ENFORCE, twitter), clock, listener, backEnd.stores(clock,
                settings(Mode.ENFORCE, twitter)), IdentityKey.random());
        for (int i = 0; i < REQUESTS; i++) {
            guard.exchange(twitter, twitterBearer("app"), idp.upstream());
        }
        assertThat(idp.calls).hasValue(1);
        assertThat(listener.faults).isEmpty();
    }
}
