package io.tokenguard.agent.instrument.apache5;

import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.concurrent.BasicFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * The response consumer of a guarded async call's own upstream send. It reads the body for the guard,
 * at most the capture limit of it (plus the one buffer that crossed it) and no longer than the body
 * wait after the headers arrived, checked as data arrives. If the body ends within both bounds the
 * guard gets it whole ({@link #answer()}). If not, the guard gets the part read so far as a truncated
 * answer, no more capacity is granted, and {@link #handTo} gives the caller's own consumer the very
 * response head and entity details, that part, then the live rest (the caller's consumer granting
 * capacity from then on, as without the agent). A body that breaks while it is read fails the guard's
 * answer, and {@link #handTo} gives the caller's consumer the part that arrived and then the failure.
 *
 * <p>States (guarded by this object's monitor): <em>reading</em>, <em>whole</em>, <em>offered</em>
 * (a truncated answer went to the guard), <em>broken</em>, <em>handed</em> (the caller's consumer has
 * it), <em>discarded</em> (the guard answered otherwise, or the caller's consumer failed: the exchange
 * is cancelled, which closes the connection). Calls into the caller's consumer are made under the
 * monitor so they keep the reactor's order; the hand-over itself runs on the reactor thread that
 * completed the guard's answer.
 */
final class AsyncResponseCapture implements AsyncResponseConsumer<Void> {
    private enum State { READING, WHOLE, OFFERED, BROKEN, HANDED, DISCARDED }

    private final int limit;
    private final long waitNanos;
    private final CompletableFuture<TokenHttpResponse> answer = new CompletableFuture<>();

    private State state = State.READING;
    private HttpResponse head;
    private EntityDetails details;
    private HttpContext context;
    private FutureCallback<Void> clientCallback;
    private long start;
    private final ByteArrayOutputStream read = new ByteArrayOutputStream();
    /** Data that arrived after the offer and before the caller's consumer took over (the reactor's buffer). */
    private final ArrayDeque<byte[]> later = new ArrayDeque<>();
    private boolean ended;
    private List<? extends Header> trailers;
    private Exception failure;
    /** A capacity channel asked for more while nobody could grant it. */
    private CapacityChannel waitingCapacity;
    private AsyncResponseConsumer<Object> app;
    private BasicFuture<Object> appFuture;
    private volatile TokenHttpResponse offered;
    private Future<?> exchange;
    private boolean cancelWhenSent;
    /** The client released this consumer before the caller's consumer took over: that one is released then. */
    private boolean released;

    AsyncResponseCapture(int limit, long waitMillis) {
        this.limit = limit;
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, waitMillis));
    }

    /** What the guard gets: the whole answer, a truncated one, or the failure. */
    CompletableFuture<TokenHttpResponse> answer() {
        return answer;
    }

    /** The client's future of the upstream exchange: cancelled when the rest of the body is not wanted. */
    void sent(Future<?> future) {
        boolean cancel;
        synchronized (this) {
            exchange = future;
            cancel = cancelWhenSent;
        }
        if (cancel) {
            future.cancel(true);
        }
    }

    // ---------------------------------------------------------------- from the client

    @Override
    public void consumeResponse(HttpResponse response, EntityDetails entityDetails, HttpContext httpContext,
                                FutureCallback<Void> resultCallback) throws HttpException, IOException {
        TokenHttpResponse whole = null;
        synchronized (this) {
            head = response;
            details = entityDetails;
            context = httpContext;
            clientCallback = resultCallback;
            start = System.nanoTime();
            if (entityDetails == null && state == State.READING) {
                state = State.WHOLE;
                whole = response(false);
            }
        }
        if (whole != null) {
            answer.complete(whole);
            resultCallback.completed(null);
        }
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext httpContext) {
        // 1xx: nothing for the guard, and the caller's consumer is not attached yet (as before).
    }

    @Override
    public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
        int grant = 0;
        synchronized (this) {
            switch (state) {
                case READING:
                    grant = Math.max(1, limit + 1 - read.size());
                    break;
                case OFFERED:
                case BROKEN:
                    // Paused until the caller's consumer takes over: it grants what it wants then.
                    waitingCapacity = capacityChannel;
                    break;
                case HANDED:
                    app.updateCapacity(capacityChannel);
                    break;
                default:
                    break;
            }
        }
        if (grant > 0) {
            capacityChannel.update(grant);
        }
    }

    @Override
    public void consume(ByteBuffer src) throws IOException {
        TokenHttpResponse truncated = null;
        synchronized (this) {
            switch (state) {
                case READING:
                    copy(src, read);
                    if (read.size() > limit || System.nanoTime() - start >= waitNanos) {
                        state = State.OFFERED;
                        offered = response(true);
                        truncated = offered;
                    }
                    break;
                case OFFERED:
                case BROKEN:
                    ByteArrayOutputStream chunk = new ByteArrayOutputStream(src.remaining());
                    copy(src, chunk);
                    later.add(chunk.toByteArray());
                    break;
                case HANDED:
                    app.consume(src);
                    break;
                default:
                    src.position(src.limit());
                    break;
            }
        }
        if (truncated != null) {
            // The guard's continuation hands the body to the caller's consumer, here on the reactor thread.
            answer.complete(truncated);
        }
    }

    @Override
    public void streamEnd(List<? extends Header> endTrailers) throws HttpException, IOException {
        TokenHttpResponse whole = null;
        FutureCallback<Void> callback = null;
        synchronized (this) {
            switch (state) {
                case READING:
                    state = State.WHOLE;
                    whole = response(false);
                    callback = clientCallback;
                    break;
                case OFFERED:
                case BROKEN:
                    ended = true;
                    trailers = endTrailers;
                    break;
                case HANDED:
                    app.streamEnd(endTrailers);
                    break;
                default:
                    break;
            }
        }
        if (whole != null) {
            answer.complete(whole);
            callback.completed(null);
        }
    }

    @Override
    public void failed(Exception cause) {
        boolean broken = false;
        synchronized (this) {
            switch (state) {
                case READING:
                    // With the head already here the body broke: the caller's consumer may still get its part.
                    state = head != null ? State.BROKEN : State.DISCARDED;
                    failure = cause;
                    broken = true;
                    break;
                case OFFERED:
                    failure = cause;
                    break;
                case HANDED:
                    state = State.DISCARDED;
                    app.failed(cause);
                    appFuture.failed(cause);
                    break;
                default:
                    break;
            }
        }
        if (broken) {
            answer.completeExceptionally(cause);
        }
    }

    /** The client's callback saw the exchange fail (also before any response). */
    void exchangeFailed(Exception cause) {
        failed(cause);
        answer.completeExceptionally(cause);
    }

    /** The client's callback saw the exchange cancelled. */
    void exchangeCancelled() {
        BasicFuture<Object> handed;
        synchronized (this) {
            handed = state == State.HANDED ? appFuture : null;
        }
        if (handed != null) {
            handed.cancel();
        }
        answer.cancel(false);
    }

    @Override
    public void releaseResources() {
        AsyncResponseConsumer<Object> handed;
        synchronized (this) {
            handed = app;
            if (state == State.READING || state == State.OFFERED || state == State.BROKEN) {
                // Still to be handed over (the client may release before it reports the failure, and the
                // guard may not have answered yet): kept for the caller's consumer, released after it.
                released = true;
                return;
            }
            read.reset();
            later.clear();
        }
        if (handed != null) {
            handed.releaseResources();
        }
    }

    // ---------------------------------------------------------------- from the adapter

    /** This answer is this capture's own truncated one (the same bytes). */
    boolean offered(TokenHttpResponse truncated) {
        TokenHttpResponse mine = offered;
        return mine != null && mine.body() == truncated.body();
    }

    /** The guard's answer failed with this capture's own body failure, the head having arrived. */
    synchronized boolean brokeWith(Throwable error) {
        return state == State.BROKEN && failure == error;
    }

    /**
     * The caller's own consumer takes the response over: the head, the part read, anything that
     * arrived since, then the end, the failure, or the live rest as the reactor delivers it.
     */
    synchronized void handTo(AsyncResponseConsumer<Object> consumer, BasicFuture<Object> future) {
        if (state != State.OFFERED && state != State.BROKEN) {
            throw new IllegalStateException("no body to hand over in state " + state);
        }
        state = State.HANDED;
        app = consumer;
        appFuture = future;
        FutureCallback<Void> client = clientCallback;
        try {
            consumer.consumeResponse(head, details, context, new FutureCallback<Object>() {
                @Override
                public void completed(Object result) {
                    future.completed(result);
                    client.completed(null);
                }

                @Override
                public void failed(Exception e) {
                    future.failed(e);
                    client.failed(e);
                }

                @Override
                public void cancelled() {
                    future.cancel();
                    client.cancelled();
                }
            });
            byte[] prefix = read.toByteArray();
            read.reset();
            if (prefix.length > 0) {
                consumer.consume(ByteBuffer.wrap(prefix));
            }
            for (byte[] chunk = later.poll(); chunk != null; chunk = later.poll()) {
                consumer.consume(ByteBuffer.wrap(chunk));
            }
            if (failure != null) {
                state = State.DISCARDED;
                consumer.failed(failure);
                future.failed(failure);
            } else if (ended) {
                consumer.streamEnd(trailers);
            } else if (waitingCapacity != null) {
                consumer.updateCapacity(waitingCapacity);
                waitingCapacity = null;
            }
        } catch (Exception e) {
            // The caller's consumer failed on what it was given: as the client would, fail it and end the exchange.
            state = State.DISCARDED;
            consumer.failed(e);
            future.failed(e);
            cancelExchange();
        }
        if (released) {
            consumer.releaseResources();
        }
    }

    /** The guard answered otherwise: the rest of this body is not needed, and its connection goes. */
    void discard() {
        synchronized (this) {
            if (state != State.READING && state != State.OFFERED && state != State.BROKEN) {
                return;
            }
            boolean waiting = state != State.BROKEN;
            state = State.DISCARDED;
            read.reset();
            later.clear();
            if (!waiting) {
                return;
            }
            cancelExchange();
        }
    }

    /** The caller cancelled its future: this call's exchange ends, whatever state the body is in. */
    void cancel() {
        synchronized (this) {
            cancelExchange();
        }
    }

    private void cancelExchange() {
        if (exchange != null) {
            exchange.cancel(true);
        } else {
            cancelWhenSent = true;
        }
    }

    private TokenHttpResponse response(boolean truncated) {
        HttpHeaders.Builder b = HttpHeaders.builder();
        for (Header h : head.getHeaders()) {
            b.add(h.getName(), h.getValue());
        }
        return new TokenHttpResponse(head.getCode(), head.getReasonPhrase(), b.build(), read.toByteArray(),
                ResponseSource.UPSTREAM, truncated);
    }

    private static void copy(ByteBuffer src, ByteArrayOutputStream to) {
        if (src.hasArray()) {
            to.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
            src.position(src.limit());
        } else {
            byte[] chunk = new byte[src.remaining()];
            src.get(chunk);
            to.write(chunk, 0, chunk.length);
        }
    }
}
