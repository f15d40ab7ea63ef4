package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.eloqua;
import static io.tokenguard.agent.guard.TestRequests.eloquaPassword;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TestFaults;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fail-open of the engine's stages under tokenguard.test.fail-stage: a faulted stage makes the guard
 * step aside, so every request reaches the provider exactly as without TokenGuard (nothing cached,
 * coalesced or limited), and each fault is reported under its stage, RuntimeException and Error alike.
 */
@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class GuardFaultTest {
    private static final int REQUESTS = 4;

    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final FaultListener listener = new FaultListener();
    private final EndpointRule eloqua = eloqua(OnLimit.REJECT);
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    GuardFaultTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private Guard guard(Mode mode, String... stages) {
        return backEnd.guard(AgentSettings.builder().mode(mode).rule(eloqua).testFailStages(List.of(stages)).build(),
                clock, listener);
    }

    @ParameterizedTest
    @ValueSource(strings = {"parse", "cache", "throttle"})
    void aFaultedStageSendsEveryBlockingRequestUpstreamUntouched(String stage) throws Exception {
        Guard guard = guard(Mode.ENFORCE, stage);
        List<TokenHttpResponse> answers = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            answers.add(guard.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream()));
        }

        // Without the fault: one upstream call and three from the cache.
        assertThat(idp.calls).hasValue(REQUESTS);
        assertThat(answers).allSatisfy(a -> assertThat(a.source()).isEqualTo(ResponseSource.UPSTREAM));
        assertThat(answers).extracting(FakeIdp::text).allSatisfy(t -> assertThat(t).contains("tok-"))
                .doesNotHaveDuplicates();
        assertThat(listener.stages).hasSize(REQUESTS).containsOnly(stage);
        assertThat(listener.types()).containsExactlyInAnyOrder(
                TestFaults.InjectedFault.class, TestFaults.InjectedError.class);
        assertThat(listener.count("passthrough")).isEqualTo(REQUESTS);
        assertThat(listener.violations).isEmpty();
        assertThat(guard.cacheSize()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"parse", "cache", "throttle"})
    void aFaultedStageSendsEveryAsynchronousRequestUpstreamUntouched(String stage) throws Exception {
        Guard guard = guard(Mode.ENFORCE, stage);
        for (int i = 0; i < REQUESTS; i++) {
            TokenHttpResponse r = guard.exchangeAsync(eloqua, eloquaPassword("alice", "alice-pw"), async(idp))
                    .get(5, TimeUnit.SECONDS);
            assertThat(r.source()).isEqualTo(ResponseSource.UPSTREAM);
        }
        assertThat(idp.calls).hasValue(REQUESTS);
        assertThat(listener.stages).hasSize(REQUESTS).containsOnly(stage);
        assertThat(listener.types()).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"parse", "cache", "throttle"})
    void observeModeStepsAsideToo(String stage) throws Exception {
        Guard guard = guard(Mode.OBSERVE, stage);
        for (int i = 0; i < REQUESTS; i++) {
            guard.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream());
        }
        assertThat(idp.calls).hasValue(REQUESTS);
        assertThat(listener.stages).hasSize(REQUESTS).containsOnly(stage);
        assertThat(listener.count("passthrough")).isEqualTo(REQUESTS);
        assertThat(listener.violations).isEmpty();
    }

    /**
     * Telemetry is fenced off, not the guard: a broken listener loses its own numbers, never the
     * protection (the provider still sees one call, the app its answers).
     */
    @Test
    void aFaultedTelemetryLosesItsNumbersButTheGuardStillGuards() throws Exception {
        Guard guard = guard(Mode.ENFORCE, "telemetry");
        List<TokenHttpResponse> answers = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            answers.add(guard.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream()));
        }
        assertThat(idp.calls).hasValue(1);
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
        assertThat(answers.subList(1, REQUESTS)).allSatisfy(a -> assertThat(a.source()).isEqualTo(ResponseSource.CACHE));
        // Every listener call threw (onTokenCache when the guard was built, onUpstream, and one
        // onRequest per request), onFault itself never.
        assertThat(listener.outcomes).isEmpty();
        assertThat(listener.stages).hasSize(REQUESTS + 2).containsOnly("telemetry");
        assertThat(listener.types()).hasSize(2);
    }

    @Test
    void withoutTheSwitchNothingIsInjected() throws Exception {
        Guard guard = guard(Mode.ENFORCE);
        for (int i = 0; i < REQUESTS; i++) {
            guard.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream());
        }
        assertThat(idp.calls).hasValue(1);
        assertThat(listener.stages).isEmpty();
    }

    /**
     * A request that joined a leader which then stepped aside does not get the leader's answer:
     * it sends its own request, on its own thread, as it would without TokenGuard.
     */
    @Test
    void aBlockingFollowerOfALeaderThatSteppedAsideSendsItsOwnRequest() throws Exception {
        BlockingPermits blocking = new BlockingPermits();
        Guard guard = blocking.guard();
        List<String> senders = new CopyOnWriteArrayList<>();
        io.tokenguard.bootstrap.Upstream counted = () -> {
            senders.add(Thread.currentThread().getName());
            return idp.upstream().send();
        };

        Future<TokenHttpResponse> leader = pool.submit(() -> {
            return guard.exchange(eloqua, eloquaPassword("alice", "alice-pw"), counted);
        });
        blocking.leaderInThrottle.await(5, TimeUnit.SECONDS);
        Thread[] followerThread = new Thread[1];
        Future<TokenHttpResponse> follower = pool.submit(() -> {
            followerThread[0] = Thread.currentThread();
            return guard.exchange(eloqua, eloquaPassword("alice", "alice-pw"), counted);
        });
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> followerThread[0] != null
                && followerThread[0].getState() == Thread.State.TIMED_WAITING);
        blocking.release.countDown();

        assertThat(leader.get(5, TimeUnit.SECONDS).source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(follower.get(5, TimeUnit.SECONDS).source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(2);
        assertThat(senders).doesNotHaveDuplicates();
        assertThat(listener.stages).containsExactly("throttle");
        assertThat(listener.count("passthrough")).isEqualTo(2);
    }

    @Test
    void anAsynchronousFollowerOfALeaderThatSteppedAsideSendsItsOwnRequest() throws Exception {
        BlockingPermits blocking = new BlockingPermits();
        Guard guard = blocking.guard();

        Future<CompletableFuture<TokenHttpResponse>> leader = pool.submit(() -> {
            return guard.exchangeAsync(eloqua, eloquaPassword("alice", "alice-pw"), async(idp));
        });
        blocking.leaderInThrottle.await(5, TimeUnit.SECONDS);
        CompletableFuture<TokenHttpResponse> follower =
                guard.exchangeAsync(eloqua, eloquaPassword("alice", "alice-pw"), async(idp));
        assertThat(follower).isNotDone();
        blocking.release.countDown();

        assertThat(leader.get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(follower.get(5, TimeUnit.SECONDS).source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(2);
        assertThat(listener.stages).containsExactly("throttle");
    }

    /** The app's own logging must not hear from the token cache when a token request fails. */
    @Test
    void aFailedUpstreamCallIsNotLoggedByTheCache() throws Exception {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        List<java.util.logging.LogRecord> records = new CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        root.addHandler(handler);
        try {
            // No limit on this rule: both requests reach the (failing) provider.
            EndpointRule twitter = TestRequests.twitter();
            Guard guard = backEnd.guard(TestRequests.settings(Mode.ENFORCE, twitter), clock, listener);
            idp.failure = new java.net.ConnectException("Connection refused");
            for (int i = 0; i < 2; i++) {
                org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> guard.exchange(twitter, TestRequests.twitterBearer("app"), idp.upstream()))
                        .isInstanceOf(java.net.ConnectException.class);
            }
            assertThat(idp.calls).hasValue(2);
        } finally {
            root.removeHandler(handler);
        }
        assertThat(records).isEmpty();
    }

    private static AsyncUpstream async(FakeIdp idp) {
        return () -> {
            try {
                return CompletableFuture.completedFuture(idp.upstream().send());
            } catch (Exception e) {
                return Futures.failed(e);
            }
        };
    }

    /** Records faults with their types, and the outcomes the guard reports. */
    private static final class FaultListener implements GuardListener {
        final List<String> stages = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final List<String> outcomes = new CopyOnWriteArrayList<>();
        final List<Violation> violations = new CopyOnWriteArrayList<>();

        @Override
        public void onRequest(RequestEvent request) {
            outcomes.add(request.outcome());
        }

        @Override
        public void onViolation(Violation violation) {
            violations.add(violation);
        }

        @Override
        public void onFault(String stage, Throwable error) {
            stages.add(stage);
            errors.add(error);
        }

        long count(String outcome) {
            return outcomes.stream().filter(outcome::equals).count();
        }

        List<Class<?>> types() {
            List<Class<?>> types = new ArrayList<>();
            errors.forEach(e -> {
                if (!types.contains(e.getClass())) {
                    types.add(e.getClass());
                }
            });
            return types;
        }
    }

    /**
     * The back end's stores with a permit store whose first answer waits until the test lets it go
     * and then is a failure: a real fault in the throttle stage while another request has joined
     * the leader, whatever store is under it (a blocking leader waits for it on its own thread).
     */
    private final class BlockingPermits {
        final CountDownLatch leaderInThrottle = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final AtomicBoolean first = new AtomicBoolean(true);

        Guard guard() {
            AgentSettings settings = AgentSettings.builder().rule(eloqua).build();
            GuardStores stores = backEnd.stores(clock, settings);
            PermitStore breaking = new ForwardingStores.Permits(stores.permits) {
                @Override
                public CompletableFuture<Permit> tryAcquire(EndpointRule rule, List<String> keys) {
                    if (!first.getAndSet(false)) {
                        return super.tryAcquire(rule, keys);
                    }
                    CompletableFuture<Permit> broken = new CompletableFuture<>();
                    leaderInThrottle.countDown();
                    new Thread(() -> {
                        try {
                            release.await(5, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        broken.completeExceptionally(new IllegalStateException("rate-limit store broke"));
                    }, "permit-store").start();
                    return broken;
                }
            };
            return new Guard(settings, clock, listener, new GuardStores(stores.answers, breaking, stores.cooldowns),
                    IdentityKey.random());
        }
    }
}
