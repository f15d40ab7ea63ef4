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

class GuardCoalescingTest {
    private final FakeClock clock = new FakeClock();
    private final RecordingListener listener = new RecordingListener();
    private final EndpointRule twitter = twitter();
    private final Guard guard = new Guard(settings(Mode.ENFORCE, twitter), clock, listener);
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

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

    /** Starts n callers; returns once all of them have at least joined the guard. */
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
        // A follower parked in a timed wait has joined the leader's entry (nothing before that parks).
        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> followers.size() == n - 1
                && followers.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING));
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

    @Test
    void interruptingAFollowerInterruptsOnlyThatRequest() throws Exception {
        GatedIdp gated = new GatedIdp();
        Future<TokenHttpResponse> leader = pool.submit(() -> guard.exchange(twitter, twitterBearer("app"), gated.upstream()));
        assertThat(gated.entered.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch followerStarted = new CountDownLatch(1);
        Future<Object> follower = pool.submit(() -> {
            followerStarted.countDown();
            try {
                return guard.exchange(twitter, twitterBearer("app"), gated.upstream());
            } catch (java.io.InterruptedIOException e) {
                return "interrupted:" + Thread.currentThread().isInterrupted();
            }
        });
        followerStarted.await();
        org.awaitility.Awaitility.await().until(() -> ((java.util.concurrent.ThreadPoolExecutor) pool).getActiveCount() == 2);
        follower.cancel(true);
        gated.release.countDown();
        assertThat(leader.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(gated.idp.calls).hasValue(1);
    }

    @Test
    void faultInsideTheGuardFailsOpenAndReleasesFollowers() throws Exception {
        GuardListener exploding = new GuardListener() {
            @Override
            public void onUpstream(String endpoint, int status, long durationNanos) {
                throw new IllegalStateException("telemetry broke");
            }
        };
        Guard g = new Guard(settings(Mode.ENFORCE, twitter), clock, exploding);
        FakeIdp idp = new FakeIdp();
        TokenHttpResponse r = g.exchange(twitter, twitterBearer("app"), idp.upstream());
        assertThat(r.status()).isEqualTo(200);
        assertThat(idp.calls).hasValue(1);
    }
}
