package io.tokenguard.agent.instrument.javahttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenguard.bootstrap.TokenHttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The java.net.http body capture driven as the JDK drives a BodySubscriber: the guard gets the whole
 * body or a truncated prefix; after a hand-over the app's own subscriber gets the prefix and the rest
 * with its own demand passed upstream, never more items than it asked for, nothing lost or doubled.
 */
class ResponseBodyCaptureTest {
    private static final HttpResponse.ResponseInfo INFO = new HttpResponse.ResponseInfo() {
        @Override
        public int statusCode() {
            return 200;
        }

        @Override
        public HttpHeaders headers() {
            return HttpHeaders.of(Map.of("Content-Type", List.of("application/json")), (k, v) -> true);
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    };

    /** The JDK's side of the subscription: counts what was asked for, and whether it was cancelled. */
    private static final class Upstream implements Flow.Subscription {
        final AtomicLong requested = new AtomicLong();
        volatile boolean cancelled;

        @Override
        public void request(long n) {
            requested.addAndGet(n);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private static List<ByteBuffer> items(String text) {
        return List.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static <T> ResponseBodyCapture<T> capture(int limit, long waitMillis) {
        return new ResponseBodyCapture<>(limit, waitMillis, new CompletableFuture<>());
    }

    @Test
    void aBodyWithinBothBoundsGoesToTheGuardWhole() throws Exception {
        ResponseBodyCapture<byte[]> c = capture(100, 60_000);
        HttpResponse.BodySubscriber<byte[]> s = c.apply(INFO);
        Upstream up = new Upstream();
        s.onSubscribe(up);
        assertThat(up.requested).hasValue(1);
        s.onNext(items("{\"access_"));
        assertThat(up.requested).as("one item at a time while reading").hasValue(2);
        s.onNext(items("token\":\"t\"}"));
        s.onComplete();
        TokenHttpResponse answer = c.answer().get(5, TimeUnit.SECONDS);
        assertThat(answer.truncated()).isFalse();
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("{\"access_token\":\"t\"}");
        assertThat(answer.headers().first("Content-Type")).isEqualTo("application/json");
        assertThat(s.getBody().toCompletableFuture()).isDone();
        c.discard();
        assertThat(up.cancelled).as("nothing left to discard").isFalse();
    }

    @Test
    void aBodyOverTheLimitIsOfferedTruncatedAndTheAppGetsPrefixAndRest() throws Exception {
        ResponseBodyCapture<byte[]> c = capture(4, 60_000);
        HttpResponse.BodySubscriber<byte[]> s = c.apply(INFO);
        Upstream up = new Upstream();
        s.onSubscribe(up);
        s.onNext(items("abc"));
        s.onNext(items("defg"));
        TokenHttpResponse answer = c.answer().get(5, TimeUnit.SECONDS);
        assertThat(answer.truncated()).isTrue();
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("abcdefg");
        assertThat(up.requested).as("paused: nothing more asked for until the app asks").hasValue(2);
        assertThat(c.offered(answer)).isTrue();

        c.handTo(HttpResponse.BodyHandlers.ofByteArray());
        assertThat(up.requested).as("the app's demand goes upstream once the prefix is delivered").hasValue(3);
        s.onNext(items("hij"));
        s.onComplete();
        byte[] body = s.getBody().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("abcdefghij");
    }

    @Test
    void theAppsSubscriberGetsNoMoreItemsThanItAskedFor() throws Exception {
        ResponseBodyCapture<String> c = capture(1, 60_000);
        HttpResponse.BodySubscriber<String> s = c.apply(INFO);
        Upstream up = new Upstream();
        s.onSubscribe(up);
        s.onNext(items("a"));
        s.onNext(items("b"));
        c.answer().get(5, TimeUnit.SECONDS);
        List<String> got = new CopyOnWriteArrayList<>();
        Flow.Subscription[] appSubscription = new Flow.Subscription[1];
        CompletableFuture<String> done = new CompletableFuture<>();
        c.handTo(info -> new HttpResponse.BodySubscriber<String>() {
            @Override
            public java.util.concurrent.CompletionStage<String> getBody() {
                return done;
            }

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                appSubscription[0] = subscription;
                subscription.request(1);
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
                got.add(StandardCharsets.UTF_8.decode(item.get(0)).toString());
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(String.join("", got));
            }
        });
        assertThat(got).containsExactly("a");
        assertThat(up.requested).as("the prefix still holds an item").hasValue(2);
        appSubscription[0].request(2);
        assertThat(got).containsExactly("a", "b");
        assertThat(up.requested).hasValue(3);
        s.onNext(items("c"));
        s.onComplete();
        assertThat(done.get(5, TimeUnit.SECONDS)).isEqualTo("abc");
    }

    @Test
    void theBodyWaitOffersWhateverArrivedEvenWithNoMoreData() throws Exception {
        ResponseBodyCapture<InputStream> c = capture(4096, 0);
        HttpResponse.BodySubscriber<InputStream> s = c.apply(INFO);
        Upstream up = new Upstream();
        s.onSubscribe(up);
        TokenHttpResponse answer = c.answer().get(5, TimeUnit.SECONDS);
        assertThat(answer.truncated()).isTrue();
        assertThat(answer.body()).isEmpty();
        c.handTo(HttpResponse.BodyHandlers.ofInputStream());
        InputStream in = s.getBody().toCompletableFuture().get(5, TimeUnit.SECONDS);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        s.onNext(items("late"));
        s.onNext(items(" bytes"));
        s.onComplete();
        assertThat(new String(read.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("late bytes");
    }

    @Test
    void aBodyThatBreaksWhileReadFailsTheGuardAndTheAppMeetsItOnItsBodyRead() throws Exception {
        ResponseBodyCapture<InputStream> c = capture(4096, 60_000);
        HttpResponse.BodySubscriber<InputStream> s = c.apply(INFO);
        s.onSubscribe(new Upstream());
        s.onNext(items("{\"acc"));
        IOException reset = new IOException("connection reset");
        s.onError(reset);
        assertThat(c.answer()).isCompletedExceptionally();
        assertThat(c.brokeWith(reset)).isTrue();
        assertThat(c.brokeWith(new IOException("another"))).isFalse();
        c.handTo(HttpResponse.BodyHandlers.ofInputStream());
        assertThat(s.getBody().toCompletableFuture()).isCompleted();
        // send() returned: the failure is the body read's (ofInputStream drops what it had queued, as it
        // does without the agent when the failure comes before the app reads).
        InputStream in = s.getBody().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasRootCauseMessage("connection reset");
    }

    /**
     * The JDK may fail its send future before it tells the body subscriber (HostileInputIT's
     * jdk-stream-reset-mid-body met this at random): the body broke either way, and the app meets it
     * on its body read, whichever word comes first.
     */
    @Test
    void aSendFailureAfterTheHeadersIsTheBodyBreakingWhateverComesFirst() throws Exception {
        ResponseBodyCapture<InputStream> c = capture(4096, 60_000);
        HttpResponse.BodySubscriber<InputStream> s = c.apply(INFO);
        s.onSubscribe(new Upstream());
        s.onNext(items("{\"acc"));
        IOException reset = new IOException("connection reset");
        c.failed(reset);
        s.onError(new IOException("the subscriber hears it later, wrapped"));

        assertThat(c.answer()).isCompletedExceptionally();
        assertThat(c.brokeWith(reset)).as("the first word of it").isTrue();
        c.handTo(HttpResponse.BodyHandlers.ofInputStream());
        InputStream in = s.getBody().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasRootCauseMessage("connection reset");
    }

    @Test
    void aSendFailureBeforeTheHeadersIsTheGuardsAnswer() {
        ResponseBodyCapture<InputStream> c = capture(4096, 60_000);
        java.net.ConnectException refused = new java.net.ConnectException("refused");
        c.failed(refused);
        assertThat(c.answer()).isCompletedExceptionally();
        assertThat(c.brokeWith(refused)).isFalse();
    }

    @Test
    void anOfferTheGuardDidNotUseIsDiscardedAndTheConnectionCancelled() throws Exception {
        ResponseBodyCapture<byte[]> c = capture(2, 60_000);
        HttpResponse.BodySubscriber<byte[]> s = c.apply(INFO);
        Upstream up = new Upstream();
        s.onSubscribe(up);
        s.onNext(items("abc"));
        assertThat(c.answer().get(5, TimeUnit.SECONDS).truncated()).isTrue();
        c.discard();
        assertThat(up.cancelled).isTrue();
        assertThat(s.getBody().toCompletableFuture()).isDone();
        assertThat(c.offered(new TokenHttpResponse(200, null, null, new byte[0], null, true))).isFalse();
    }

    @Test
    void anAppHandlerThatThrowsFailsItsOwnCallAndCancelsTheRest() throws Exception {
        ResponseBodyCapture<byte[]> c = capture(2, 60_000);
        HttpResponse.BodySubscriber<byte[]> s = c.apply(INFO);
        Upstream up = new Upstream();
        s.onSubscribe(up);
        s.onNext(items("abc"));
        c.answer().get(5, TimeUnit.SECONDS);
        IllegalStateException boom = new IllegalStateException("the app's handler");
        c.handTo(info -> {
            throw boom;
        });
        assertThat(up.cancelled).isTrue();
        assertThat(s.getBody().toCompletableFuture()).isCompletedExceptionally();
        List<Throwable> failure = new ArrayList<>();
        s.getBody().toCompletableFuture().exceptionally(t -> {
            failure.add(t);
            return null;
        });
        assertThat(failure).singleElement().isSameAs(boom);
    }
}
