package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class GuardCoalescingTest {
    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final RecordingListener listener = new RecordingListener();
    private final EndpointRule twitter = twitter();
    private final Guard guard;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    GuardCoalescingTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
        this.guard = backEnd.guard(settings(Mode.ENFORCE, twitter), clock, listener);
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Upstream that blocks until released, so every follower provably arrives while it is in flight. */
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

    /** Starts n callers; returns once every follower provably waits in the guard for the leader. */
    private List<Future<TokenHttpResponse>> startCallers(int n, GatedIdp gated, long timeoutMillis) throws Exception {
        List<Future<TokenHttpResponse>> results = new ArrayList<>();
        List<Thread> followers = new java.util.concurrent.CopyOnWriteArrayList<>();
        results.add(pool.submit(() -> guard.exchange(twitter, twitterBearer("app"), gated.upstream())));
        assertThat(gated.entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i < n; i++) {
            results.add(pool.submit(() -> {
                followers.add(Thread.currentThread());
                return guard.exchange(twitter, post(TWITTER_URL, basic("app", "app-secret"),
                        "application/x-www-form-urlencoded;charset=UTF-8", "grant_type=client_credentials",
                        timeoutMillis), gated.upstream());
            }));
        }
        // Released before a follower joined, that follower would lead a second upstream call.
        org.awaitility.Awaitility.await().until(() -> followers.size() == n - 1
                && followers.stream().allMatch(GuardCoalescingTest::waitingInGuard));
        return results;
    }

    @Test
    void concurrentIdenticalRequestsMakeOneUpstreamCall() throws Exception {
        GatedIdp gated = new GatedIdp();
        List<Future<TokenHttpResponse>> results = startCallers(8, gated, 0);
        gated.release.countDown();

        List<TokenHttpResponse> responses = new ArrayList<>();
        for (Future<TokenHttpResponse> f : results) {
            responses.add(f.get(10, TimeUnit.SECONDS));
        }
        assertThat(gated.idp.calls).hasValue(1);
        assertThat(responses).extracting(TokenHttpResponse::status).containsOnly(200);
        assertThat(responses).extracting(r -> FakeIdp.text(r)).containsOnly(FakeIdp.text(responses.get(0)));
        assertThat(responses).extracting(TokenHttpResponse::source)
                .isSubsetOf(ResponseSource.UPSTREAM, ResponseSource.COALESCED, ResponseSource.CACHE)
                .containsOnlyOnce(ResponseSource.UPSTREAM);
        assertThat(listener.count("upstream")).isEqualTo(1);
        assertThat(listener.count("coalesced") + listener.count("cache")).isEqualTo(7);
    }

    @Test
    void followersFailLikeTheLeaderWithTheSameExceptionType() throws Exception {
        GatedIdp gated = new GatedIdp();
        gated.idp.failure = new ConnectException("Connection refused");
        List<Future<TokenHttpResponse>> results = startCallers(4, gated, 0);
        gated.release.countDown();
        for (Future<TokenHttpResponse> f : results) {
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectException.class)
                    .hasRootCauseMessage("Connection refused");
        }
        assertThat(gated.idp.calls).hasValue(1);
        // A failure is not remembered: the next request tries again.
        gated.idp.failure = null;
        assertThat(guard.exchange(twitter, twitterBearer("app"), gated.idp.upstream()).status()).isEqualTo(200);
    }

    @Test
    void aFailedRequestLogsNothingIntoTheHostAppsLog() throws Exception {
        java.util.List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        try {
            GatedIdp gated = new GatedIdp();
            gated.idp.failure = new ConnectException("Connection refused");
            List<Future<TokenHttpResponse>> results = startCallers(3, gated, 0);
            gated.release.countDown();
            for (Future<TokenHttpResponse> f : results) {
                assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectException.class);
            }
            FakeIdp failing = new FakeIdp();
            failing.failure = new java.net.SocketTimeoutException("Read timed out");
            assertThatThrownBy(() -> guard.exchange(twitter, twitterBearer("other"), failing.upstream()))
                    .isInstanceOf(java.net.SocketTimeoutException.class);
        } finally {
            root.removeHandler(capture);
        }
        // The app's request failed and the app was told so; the agent's cache library must not add a
        // WARNING with a stack trace per failed token request (Caffeine does for a failed future).
        assertThat(records).extracting(r -> r.getLoggerName() + " " + r.getLevel() + " " + r.getMessage()).isEmpty();
    }

    @Test
    void aFollowerWaitsNoLongerThanItsOwnReadTimeout() throws Exception {
        GatedIdp gated = new GatedIdp();
        Future<TokenHttpResponse> leader = pool.submit(() -> guard.exchange(twitter, twitterBearer("app"), gated.upstream()));
        assertThat(gated.entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> guard.exchange(twitter, post(TWITTER_URL, basic("app", "app-secret"),
                "application/x-www-form-urlencoded;charset=UTF-8", "grant_type=client_credentials", 50),
                gated.upstream())).isInstanceOf(SocketTimeoutException.class);
        gated.release.countDown();
        assertThat(leader.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(gated.idp.calls).hasValue(1);
    }

    /** A follower on its own thread that reports how it ended and its interrupt flag then. */
    private Thread follower(boolean interruptible, java.util.concurrent.CompletableFuture<String> ended) {
        Thread t = new Thread(() -> {
            String result;
            try {
                TokenHttpResponse r = guard.exchange(twitter, new io.tokenguard.bootstrap.TokenHttpRequest(
                        interruptible ? io.tokenguard.bootstrap.HttpClientKind.OKHTTP
                                : io.tokenguard.bootstrap.HttpClientKind.URLCONNECTION, "POST",
                        twitterBearer("app").url(), twitterBearer("app").headers(), twitterBearer("app").body(), 0), gated.upstream());
                result = r.status() + " " + FakeIdp.text(r);
            } catch (Exception e) {
                result = e.getClass().getName() + ": " + e.getMessage();
            }
            ended.complete(result + " flag=" + Thread.currentThread().isInterrupted());
        }, "follower");
        t.start();
        return t;
    }

    private final GatedIdp gated = new GatedIdp();

    private static boolean waitingInGuard(Thread t) {
        return (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)
                && java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().equals(Futures.class.getName()));
    }

    @Test
    void interruptingAnInterruptibleClientsFollowerFailsOnlyThatRequest() throws Exception {
        Future<TokenHttpResponse> leader = pool.submit(() -> guard.exchange(twitter, twitterBearer("app"), gated.upstream()));
        assertThat(gated.entered.await(10, TimeUnit.SECONDS)).isTrue();
        java.util.concurrent.CompletableFuture<String> victim = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<String> other = new java.util.concurrent.CompletableFuture<>();
        Thread v = follower(true, victim);
        Thread o = follower(true, other);
        org.awaitility.Awaitility.await().until(() -> waitingInGuard(v) && waitingInGuard(o));

        v.interrupt();
        // OkHttp's own answer to an interrupted call, flag kept set: and it ends before the leader does.
        assertThat(victim.get(10, TimeUnit.SECONDS)).isEqualTo("java.io.InterruptedIOException: interrupted flag=true");
        assertThat(leader).isNotDone();
        gated.release.countDown();
        assertThat(leader.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo("200 " + FakeIdp.text(leader.get()) + " flag=false");
        assertThat(gated.idp.calls).hasValue(1);
    }

    @Test
    void aSocketLikeClientsInterruptedFollowerWaitsOnLikeAJdkSocketRead() throws Exception {
        Future<TokenHttpResponse> leader = pool.submit(() -> guard.exchange(twitter, twitterBearer("app"), gated.upstream()));
        assertThat(gated.entered.await(10, TimeUnit.SECONDS)).isTrue();
        java.util.concurrent.CompletableFuture<String> victim = new java.util.concurrent.CompletableFuture<>();
        Thread v = follower(false, victim);
        org.awaitility.Awaitility.await().until(() -> waitingInGuard(v));

        v.interrupt();
        org.awaitility.Awaitility.await().until(() -> waitingInGuard(v) && !v.isInterrupted());
        assertThat(victim).isNotDone();
        gated.release.countDown();
        assertThat(leader.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(victim.get(10, TimeUnit.SECONDS)).isEqualTo("200 " + FakeIdp.text(leader.get()) + " flag=true");
        assertThat(gated.idp.calls).hasValue(1);
    }

    @Test
    void faultInsideTheGuardFailsOpenAndReleasesFollowers() throws Exception {
        GuardListener exploding = new GuardListener() {
            @Override
            public void onUpstream(UpstreamEvent call) {
                throw new IllegalStateException("telemetry broke");
            }
        };
        Guard g = backEnd.guard(settings(Mode.ENFORCE, twitter), clock, exploding);
        FakeIdp idp = new FakeIdp();
        TokenHttpResponse r = g.exchange(twitter, twitterBearer("app"), idp.upstream());
        assertThat(r.status()).isEqualTo(200);
        assertThat(idp.calls).hasValue(1);
    }
}
