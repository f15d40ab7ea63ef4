package io.tokenguard.agent.instrument.apache5;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.bootstrap.TokenHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.concurrent.BasicFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.impl.BasicEntityDetails;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.junit.jupiter.api.Test;

/**
 * The Apache 5 async response capture driven as the reactor drives a consumer: the guard gets the
 * whole body or a truncated prefix (and no more capacity is granted); after the hand-over the caller's
 * own consumer gets the very head and entity details, the prefix, then the live rest, and grants
 * capacity itself; a body that breaks while read reaches the caller's consumer as the part and the failure.
 */
class AsyncResponseCaptureTest {
    /** A caller's consumer that records what it is told, as a streaming consumer would see it. */
    private static final class Recording implements AsyncResponseConsumer<Object> {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        FutureCallback<Object> callback;
        HttpResponse head;
        EntityDetails details;

        @Override
        public void consumeResponse(HttpResponse response, EntityDetails entityDetails, HttpContext context,
                                    FutureCallback<Object> resultCallback) {
            events.add("head " + response.getCode());
            head = response;
            details = entityDetails;
            callback = resultCallback;
        }

        @Override
        public void informationResponse(HttpResponse response, HttpContext context) {
        }

        @Override
        public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
            events.add("capacity");
            capacityChannel.update(1000);
        }

        @Override
        public void consume(ByteBuffer src) {
            byte[] b = new byte[src.remaining()];
            src.get(b);
            body.write(b, 0, b.length);
            events.add("data " + new String(b, StandardCharsets.UTF_8));
        }

        @Override
        public void streamEnd(List<? extends Header> trailers) {
            events.add("end");
            callback.completed("done: " + body);
        }

        @Override
        public void failed(Exception cause) {
            events.add("failed " + cause.getMessage());
        }

        @Override
        public void releaseResources() {
            events.add("released");
        }
    }

    private static final class Capacity implements CapacityChannel {
        final AtomicInteger granted = new AtomicInteger();

        @Override
        public void update(int increment) {
            granted.addAndGet(increment);
        }
    }

    private static final class ClientCallback implements FutureCallback<Void> {
        final CompletableFuture<String> outcome = new CompletableFuture<>();

        @Override
        public void completed(Void result) {
            outcome.complete("completed");
        }

        @Override
        public void failed(Exception ex) {
            outcome.complete("failed " + ex.getMessage());
        }

        @Override
        public void cancelled() {
            outcome.complete("cancelled");
        }
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static final BasicHttpResponse HEAD = new BasicHttpResponse(200, "OK");
    private static final EntityDetails DETAILS = new BasicEntityDetails(-1, ContentType.APPLICATION_JSON);

    @Test
    void aBodyWithinBothBoundsGoesToTheGuardWhole() throws Exception {
        AsyncResponseCapture c = new AsyncResponseCapture(100, 60_000);
        ClientCallback client = new ClientCallback();
        c.consumeResponse(HEAD, DETAILS, null, client);
        c.consume(bytes("{\"access_token\":"));
        c.consume(bytes("\"t\"}"));
        c.streamEnd(null);
        TokenHttpResponse answer = c.answer().get(5, TimeUnit.SECONDS);
        assertThat(answer.truncated()).isFalse();
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("{\"access_token\":\"t\"}");
        assertThat(client.outcome.get(5, TimeUnit.SECONDS)).isEqualTo("completed");
    }

    @Test
    void anAnswerWithoutBodyIsWholeAtOnce() throws Exception {
        AsyncResponseCapture c = new AsyncResponseCapture(100, 60_000);
        ClientCallback client = new ClientCallback();
        c.consumeResponse(new BasicHttpResponse(204, "No Content"), null, null, client);
        assertThat(c.answer().get(5, TimeUnit.SECONDS).status()).isEqualTo(204);
        assertThat(client.outcome.get(5, TimeUnit.SECONDS)).isEqualTo("completed");
    }

    @Test
    void overTheLimitTheCallersConsumerGetsTheHeadThePrefixAndTheLiveRest() throws Exception {
        AsyncResponseCapture c = new AsyncResponseCapture(4, 60_000);
        ClientCallback client = new ClientCallback();
        c.consumeResponse(HEAD, DETAILS, null, client);
        Capacity capacity = new Capacity();
        c.updateCapacity(capacity);
        assertThat(capacity.granted).as("reading: up to one byte past the limit").hasValue(5);
        c.consume(bytes("abcdef"));
        TokenHttpResponse answer = c.answer().get(5, TimeUnit.SECONDS);
        assertThat(answer.truncated()).isTrue();
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("abcdef");
        assertThat(c.offered(answer)).isTrue();

        Capacity paused = new Capacity();
        c.updateCapacity(paused);
        assertThat(paused.granted).as("offered: nothing granted until the caller's consumer takes over").hasValue(0);
        c.consume(bytes("gh"));

        Recording app = new Recording();
        BasicFuture<Object> future = new BasicFuture<>(null);
        c.handTo(app, future);
        assertThat(app.head).isSameAs(HEAD);
        assertThat(app.details).isSameAs(DETAILS);
        assertThat(paused.granted).as("the caller's consumer grants capacity itself").hasValue(1000);
        c.consume(bytes("ij"));
        c.streamEnd(null);
        c.releaseResources();
        assertThat(app.events).containsExactly("head 200", "data abcdef", "data gh", "capacity", "data ij", "end",
                "released");
        assertThat(future.get(5, TimeUnit.SECONDS)).isEqualTo("done: abcdefghij");
        assertThat(client.outcome.get(5, TimeUnit.SECONDS)).isEqualTo("completed");
    }

    @Test
    void theBodyWaitIsCheckedAsDataArrives() throws Exception {
        AsyncResponseCapture c = new AsyncResponseCapture(4096, 0);
        c.consumeResponse(HEAD, DETAILS, null, new ClientCallback());
        assertThat(c.answer()).isNotDone();
        c.consume(bytes("a"));
        assertThat(c.answer().get(5, TimeUnit.SECONDS).truncated()).isTrue();
    }

    @Test
    void aBodyThatBreaksWhileReadReachesTheCallersConsumerAsThePartAndTheFailure() throws Exception {
        AsyncResponseCapture c = new AsyncResponseCapture(4096, 60_000);
        c.consumeResponse(HEAD, DETAILS, null, new ClientCallback());
        c.consume(bytes("{\"acc"));
        SocketTimeoutException timeout = new SocketTimeoutException("Read timed out");
        c.failed(timeout);
        assertThat(c.answer()).isCompletedExceptionally();
        assertThat(c.brokeWith(timeout)).isTrue();
        Recording app = new Recording();
        BasicFuture<Object> future = new BasicFuture<>(null);
        c.handTo(app, future);
        assertThat(app.events).containsExactly("head 200", "data {\"acc", "failed Read timed out");
        assertThat(future.isDone()).isTrue();
    }

    @Test
    void aFailureBeforeTheHeadIsTheGuardsFailureOnly() {
        AsyncResponseCapture c = new AsyncResponseCapture(4096, 60_000);
        IOException refused = new IOException("refused");
        c.exchangeFailed(refused);
        assertThat(c.answer()).isCompletedExceptionally();
        assertThat(c.brokeWith(refused)).isFalse();
    }

    @Test
    void anOfferTheGuardDidNotUseCancelsTheExchange() throws Exception {
        AsyncResponseCapture c = new AsyncResponseCapture(2, 60_000);
        CompletableFuture<Void> exchange = new CompletableFuture<>();
        c.sent(exchange);
        c.consumeResponse(HEAD, DETAILS, null, new ClientCallback());
        c.consume(bytes("abc"));
        assertThat(c.answer().get(5, TimeUnit.SECONDS).truncated()).isTrue();
        c.discard();
        assertThat(exchange.isCancelled()).isTrue();
    }

    @Test
    void aDiscardBeforeTheSendCancelsItAsSoonAsItIsSent() {
        AsyncResponseCapture c = new AsyncResponseCapture(2, 60_000);
        c.discard();
        Future<Void> exchange = new CompletableFuture<>();
        c.sent(exchange);
        assertThat(exchange.isCancelled()).isTrue();
    }
}
