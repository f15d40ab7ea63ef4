package io.tokenguard.agent.instrument.javahttp;

import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * The BodyHandler of a guarded call's own upstream send: it reads the answer's body for the guard, at
 * most the capture limit of it and for at most the body wait after the headers arrived, one item of
 * demand at a time. If the body ends within both bounds the guard gets it whole ({@link #answer()}),
 * and the app's own handler is run over the bytes later, as for any answer. If not, the guard gets the
 * part read so far as a truncated answer, the rest waits on the wire (no more demand), and
 * {@link #handTo} gives the app's own BodySubscriber, made by the app's own handler from this very
 * ResponseInfo, that part followed by the live rest, with the app's demand passed upstream. A body that
 * breaks while it is read fails the guard's answer, and {@link #handTo} gives the app the part that
 * arrived followed by the very failure, where it would have met it without the agent.
 *
 * <p>States (guarded by the subscriber's monitor): <em>reading</em> (buffering for the guard),
 * <em>whole</em> (the body ended in time), <em>offered</em> (a truncated answer went to the guard),
 * <em>broken</em> (failed while reading), <em>handed</em> (the app's subscriber has it),
 * <em>discarded</em> (the guard answered otherwise: cancelled, the connection released). No thread
 * waits: the deadline is a timer task, everything else runs on the JDK's and the app's threads.
 */
final class ResponseBodyCapture<T> implements HttpResponse.BodyHandler<T> {
    private enum State { READING, WHOLE, OFFERED, BROKEN, HANDED, DISCARDED }

    private final int limit;
    private final long waitNanos;
    private final CompletableFuture<HttpClient.Version> version;
    private final CompletableFuture<TokenHttpResponse> answer = new CompletableFuture<>();
    private volatile Body body;

    ResponseBodyCapture(int limit, long waitMillis, CompletableFuture<HttpClient.Version> version) {
        this.limit = limit;
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, waitMillis));
        this.version = version;
    }

    /** What the guard gets: the whole answer, a truncated one, or the failure. */
    CompletableFuture<TokenHttpResponse> answer() {
        return answer;
    }

    /**
     * The JDK's future of the send failed. Before any body (no connection, a timeout before the
     * headers) that is the guard's answer. Once the body subscriber exists it is the body breaking:
     * the JDK may fail its future before it tells the subscriber (onError), so it is handled as the
     * subscriber hearing it, whichever comes first; the app then meets it on its body read.
     */
    void failed(Throwable error) {
        Body b = body;
        if (b != null) {
            b.onError(error);
        } else {
            answer.completeExceptionally(error);
        }
    }

    @Override
    public HttpResponse.BodySubscriber<T> apply(HttpResponse.ResponseInfo info) {
        version.complete(info.version());
        Body b = new Body(info);
        body = b;
        return b;
    }

    /** This answer is this capture's own truncated one (the same bytes): the app's subscriber can take the rest. */
    boolean offered(TokenHttpResponse truncated) {
        Body b = body;
        TokenHttpResponse mine = b == null ? null : b.offered;
        return mine != null && mine.body() == truncated.body();
    }

    /** The guard's answer failed with this capture's own body failure. */
    boolean brokeWith(Throwable failure) {
        Body b = body;
        return b != null && b.brokenWith(failure);
    }

    /** Hands the part read and the rest (or the failure) to the app's own subscriber, made by its handler. */
    void handTo(HttpResponse.BodyHandler<T> handler) {
        body.handTo(handler);
    }

    /**
     * The app's response made from what was received (status, headers, version) and the body its own
     * subscriber made: for when the JDK failed its own future over a body that broke.
     */
    CompletableFuture<HttpResponse<T>> responseFromTheAppsBody(java.net.http.HttpRequest request) {
        Body b = body;
        return b.result.thenApply(value -> new SyntheticHttpResponse<>(b.info.statusCode(), request,
                b.info.headers(), value, b.info.version()));
    }

    /** The guard answered with something else: the rest of this body is not needed. */
    void discard() {
        Body b = body;
        if (b != null) {
            b.discard();
        }
    }

    /** Runs the deadline without keeping the body alive once it no longer matters. */
    private static final class Deadline implements Runnable {
        private volatile ResponseBodyCapture<?>.Body target;

        Deadline(ResponseBodyCapture<?>.Body target) {
            this.target = target;
        }

        @Override
        public void run() {
            ResponseBodyCapture<?>.Body b = target;
            target = null;
            if (b != null) {
                b.deadline();
            }
        }
    }

    /** The upstream subscriber, and the subscription the app's subscriber is given once handed the body. */
    final class Body implements HttpResponse.BodySubscriber<T>, Flow.Subscription {
        private final HttpResponse.ResponseInfo info;
        private final CompletableFuture<T> result = new CompletableFuture<>();
        private final ArrayDeque<List<ByteBuffer>> queue = new ArrayDeque<>();
        private State state = State.READING;
        private Flow.Subscription upstream;
        private Deadline deadline;
        private long start;
        private long size;
        /** A request(1) upstream not yet answered by onNext. */
        private boolean requested;
        private boolean ended;
        private Throwable error;
        /** The truncated answer the guard was offered (identity tells it from any other). */
        private volatile TokenHttpResponse offered;
        private HttpResponse.BodySubscriber<T> app;
        private boolean subscribed;
        private boolean terminated;
        private boolean cancelled;
        private long demand;
        private int draining;

        Body(HttpResponse.ResponseInfo info) {
            this.info = info;
        }

        @Override
        public CompletionStage<T> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            synchronized (this) {
                if (upstream != null) {
                    subscription.cancel();
                    return;
                }
                upstream = subscription;
                if (state == State.DISCARDED) {
                    subscription.cancel();
                    return;
                }
                requested = true;
                start = System.nanoTime();
                deadline = new Deadline(this);
            }
            CompletableFuture.delayedExecutor(waitNanos, TimeUnit.NANOSECONDS).execute(deadline);
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            TokenHttpResponse truncated = null;
            boolean more = false;
            synchronized (this) {
                requested = false;
                if (cancelled) {
                    return;
                }
                queue.add(items);
                if (state == State.READING) {
                    for (ByteBuffer b : items) {
                        size += b.remaining();
                    }
                    // Checked between items too: the timer may be late on a busy pool.
                    if (size > limit || System.nanoTime() - start >= waitNanos) {
                        truncated = offer();
                    } else {
                        requested = true;
                        more = true;
                    }
                }
            }
            if (truncated != null) {
                answer.complete(truncated);
            } else if (more) {
                upstream.request(1);
            }
            drain();
        }

        @Override
        public void onComplete() {
            TokenHttpResponse whole = null;
            synchronized (this) {
                ended = true;
                if (state == State.READING) {
                    state = State.WHOLE;
                    whole = response(false);
                    queue.clear();
                    stopDeadline();
                }
            }
            if (whole != null) {
                result.complete(null);
                answer.complete(whole);
            } else {
                drain();
            }
        }

        @Override
        public void onError(Throwable throwable) {
            boolean broken = false;
            synchronized (this) {
                ended = true;
                // The first word of the failure counts: the JDK's future and the subscriber may both say it.
                if (error == null) {
                    error = throwable;
                }
                if (state == State.READING) {
                    state = State.BROKEN;
                    broken = true;
                    stopDeadline();
                }
            }
            if (broken) {
                answer.completeExceptionally(error);
            } else {
                drain();
            }
        }

        void deadline() {
            TokenHttpResponse truncated;
            synchronized (this) {
                if (state != State.READING) {
                    return;
                }
                truncated = offer();
            }
            answer.complete(truncated);
        }

        private void stopDeadline() {
            if (deadline != null) {
                deadline.target = null;
            }
        }

        /** The part read so far goes to the guard; nothing more is asked for until the app asks. */
        private TokenHttpResponse offer() {
            state = State.OFFERED;
            stopDeadline();
            offered = response(true);
            return offered;
        }

        private TokenHttpResponse response(boolean truncated) {
            int n = 0;
            for (List<ByteBuffer> items : queue) {
                for (ByteBuffer b : items) {
                    n += b.remaining();
                }
            }
            byte[] bytes = new byte[n];
            int at = 0;
            for (List<ByteBuffer> items : queue) {
                for (ByteBuffer b : items) {
                    // A duplicate: the app's subscriber reads the very same buffers afterwards.
                    int len = b.remaining();
                    b.duplicate().get(bytes, at, len);
                    at += len;
                }
            }
            return new TokenHttpResponse(info.statusCode(), null, HttpHeaders.of(info.headers().map()), bytes,
                    ResponseSource.UPSTREAM, truncated);
        }

        synchronized boolean brokenWith(Throwable failure) {
            return state == State.BROKEN && error == failure;
        }

        void handTo(HttpResponse.BodyHandler<T> handler) {
            synchronized (this) {
                if (state != State.OFFERED && state != State.BROKEN) {
                    throw new IllegalStateException("no body to hand over in state " + state);
                }
                state = State.HANDED;
            }
            HttpResponse.BodySubscriber<T> subscriber;
            try {
                subscriber = handler.apply(info);
                synchronized (this) {
                    app = subscriber;
                }
                subscriber.onSubscribe(this);
                subscriber.getBody().whenComplete((value, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(failure);
                    } else {
                        result.complete(value);
                    }
                });
            } catch (RuntimeException | Error e) {
                // The app's own handler or subscriber failed: its send fails with that, as the JDK's would.
                cancel();
                result.completeExceptionally(e);
                return;
            }
            synchronized (this) {
                subscribed = true;
            }
            drain();
        }

        void discard() {
            Flow.Subscription s;
            Throwable failure;
            synchronized (this) {
                if (state != State.READING && state != State.OFFERED && state != State.BROKEN) {
                    return;
                }
                state = State.DISCARDED;
                stopDeadline();
                cancelled = true;
                queue.clear();
                s = upstream;
                failure = error;
            }
            if (s != null) {
                s.cancel();
            }
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(null);
            }
        }

        // ---------------------------------------------------------------- the app's subscription

        @Override
        public void request(long n) {
            synchronized (this) {
                if (n <= 0) {
                    // Flow's rule 3.9: a non-positive request is an error the subscriber is told of.
                    queue.clear();
                    ended = true;
                    error = new IllegalArgumentException("non-positive subscription request: " + n);
                } else {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                }
            }
            if (n <= 0) {
                Flow.Subscription s = upstream;
                if (s != null) {
                    s.cancel();
                }
            }
            drain();
        }

        @Override
        public void cancel() {
            Flow.Subscription s;
            synchronized (this) {
                cancelled = true;
                queue.clear();
                s = upstream;
            }
            if (s != null) {
                s.cancel();
            }
        }

        /**
         * Delivers what the app asked for, in order, never two signals at once: one thread drains, any
         * other that arrives meanwhile (a re-entrant request from onNext, the JDK's onNext) only makes
         * it loop once more.
         */
        private void drain() {
            synchronized (this) {
                if (draining++ > 0) {
                    return;
                }
            }
            for (;;) {
                for (;;) {
                    List<ByteBuffer> next = null;
                    Throwable failure = null;
                    boolean complete = false;
                    boolean ask = false;
                    synchronized (this) {
                        if (cancelled || !subscribed || terminated) {
                            break;
                        }
                        if (!queue.isEmpty()) {
                            if (demand == 0) {
                                break;
                            }
                            next = queue.poll();
                            demand--;
                        } else if (ended) {
                            terminated = true;
                            failure = error;
                            complete = failure == null;
                        } else if (demand > 0 && !requested) {
                            requested = true;
                            ask = true;
                        } else {
                            break;
                        }
                    }
                    if (next != null) {
                        app.onNext(next);
                    } else if (complete) {
                        app.onComplete();
                    } else if (failure != null) {
                        app.onError(failure);
                    } else if (ask) {
                        upstream.request(1);
                    }
                }
                synchronized (this) {
                    if (draining == 1) {
                        draining = 0;
                        return;
                    }
                    draining = 1;
                }
            }
        }
    }
}
