package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** sendAsync / enqueue callers: nothing blocks, one upstream call, followers settle with the leader. */
@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class GuardAsyncTest {
    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final RecordingListener listener = new RecordingListener();
    private final EndpointRule twitter = twitter();
    private final Guard guard;
    private final AtomicInteger calls = new AtomicInteger();
    private final CompletableFuture<TokenHttpResponse> inFlight = new CompletableFuture<>();

    GuardAsyncTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
        this.guard = backEnd.guard(settings(Mode.ENFORCE, twitter), clock, listener);
    }

    private AsyncUpstream pending() {
        return () -> {
            calls.incrementAndGet();
            return inFlight;
        };
    }

    private static TokenHttpResponse ok() {
        return new TokenHttpResponse(200, "OK", HttpHeaders.builder().add("Content-Type", "application/json").build(),
                "{\"access_token\":\"AAAA\"}".getBytes(StandardCharsets.UTF_8), ResponseSource.UPSTREAM);
    }

    @Test
    void callersReturnAtOnceAndSettleTogether() throws Exception {
        List<CompletableFuture<TokenHttpResponse>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(guard.exchangeAsync(twitter, twitterBearer("app"), pending()));
        }
        // Every call returned while the one upstream request is still in flight: nobody blocked.
        assertThat(futures).noneMatch(CompletableFuture::isDone);
        // A store may answer later: the leader is then sent once it has heard from it.
        Awaitility.await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertThat(calls).hasValue(1));

        DeferredStores.awaitIdle();

        inFlight.complete(ok());
        for (CompletableFuture<TokenHttpResponse> f : futures) {
            assertThat(f.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        assertThat(futures.get(0).get().source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(futures.subList(1, 8)).allSatisfy(f -> assertThat(f.get().source()).isEqualTo(ResponseSource.COALESCED));
        assertThat(guard.exchangeAsync(twitter, twitterBearer("app"), pending()).get().source())
                .isEqualTo(ResponseSource.CACHE);
        assertThat(calls).hasValue(1);
    }

    @Test
    void followersGetTheLeadersFailureTypeAndTheNextRequestTriesAgain() throws Exception {
        CompletableFuture<TokenHttpResponse> leader = guard.exchangeAsync(twitter, twitterBearer("app"), pending());
        CompletableFuture<TokenHttpResponse> follower = guard.exchangeAsync(twitter, twitterBearer("app"), pending());
        DeferredStores.awaitIdle();
        inFlight.completeExceptionally(new ConnectException("Connection refused"));

        assertThat(causeOf(leader)).isInstanceOf(ConnectException.class);
        assertThat(causeOf(follower)).isInstanceOf(ConnectException.class).hasMessage("Connection refused");
        AsyncUpstream works = () -> CompletableFuture.completedFuture(ok());
        assertThat(guard.exchangeAsync(twitter, twitterBearer("app"), works).get().status()).isEqualTo(200);
        assertThat(listener.count("error")).isEqualTo(1);
    }

    @Test
    void aFollowerTimesOutOnItsOwnDeadlineWithoutHurtingTheOthers() throws Exception {
        CompletableFuture<TokenHttpResponse> leader = guard.exchangeAsync(twitter, twitterBearer("app"), pending());
        CompletableFuture<TokenHttpResponse> impatient = guard.exchangeAsync(twitter, post(TWITTER_URL,
                basic("app", "app-secret"), "application/x-www-form-urlencoded;charset=UTF-8",
                "grant_type=client_credentials", 20), pending());

        assertThat(causeOf(impatient)).isInstanceOf(SocketTimeoutException.class);
        DeferredStores.awaitIdle();
        inFlight.complete(ok());
        assertThat(leader.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(calls).hasValue(1);
    }

    /** One timer keeps every wait: the deadline fires on the guard's own thread, not on one the JDK starts. */
    @Test
    void aFollowersDeadlineIsKeptByTheGuardsOneTimer() throws Exception {
        CompletableFuture<TokenHttpResponse> leader = guard.exchangeAsync(twitter, twitterBearer("app"), pending());
        CompletableFuture<TokenHttpResponse> impatient = guard.exchangeAsync(twitter, post(TWITTER_URL,
                basic("app", "app-secret"), "application/x-www-form-urlencoded;charset=UTF-8",
                "grant_type=client_credentials", 300), pending());
        AtomicReference<String> endedOn = new AtomicReference<>();
        impatient.whenComplete((r, e) -> endedOn.set(Thread.currentThread().getName()));

        assertThat(causeOf(impatient)).isInstanceOf(SocketTimeoutException.class);
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> endedOn.get() != null);
        assertThat(endedOn.get()).isEqualTo("tokenguard-delay");
        DeferredStores.awaitIdle();
        inFlight.complete(ok());
        assertThat(leader.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    @Test
    void aThrowingUpstreamIsAFailedFutureNotAnException() throws Exception {
        AsyncUpstream broken = () -> {
            throw new IllegalStateException("adapter bug");
        };
        CompletableFuture<TokenHttpResponse> f = guard.exchangeAsync(twitter, twitterBearer("app"), broken);
        assertThat(causeOf(f)).isInstanceOf(IllegalStateException.class);
    }

    private static Throwable causeOf(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("future did not settle", e);
        }
    }

}
