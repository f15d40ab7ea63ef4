package io.tokenguard.agent.instrument.jetty;

import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpResponse;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;

/**
 * The listener of a guarded call's own upstream send. It reads the response's content source for the
 * guard, at most the capture limit of it (plus the chunk that crossed it) and no longer than the body
 * wait after the headers arrived (checked as chunks arrive), then stops demanding. The body ends within
 * both: the guard gets it whole when the exchange completes. It does not: the guard gets the part read
 * as a truncated answer, and {@link #handTo} gives the app's listeners the status, the headers, a content
 * source that reads that part and then the live rest (the app's listeners demanding from then on, as
 * without the agent), then the exchange's own success or failure. It breaks after the headers: the
 * guard's answer fails, and {@link #handTo} gives the app the part that arrived, then the failure.
 *
 * <p>States (this object's monitor): reading, whole, offered (a truncated answer went to the guard),
 * broken, handed (the app's listeners have it), discarded (the guard answered otherwise: the upstream
 * request is aborted, which closes its connection). The app's listeners are called outside the monitor;
 * an exchange that completes while the hand-over is still notifying is forwarded when it is done.
 */
final class ResponseCapture implements Response.Listener {
    private enum State { READING, WHOLE, OFFERED, BROKEN, HANDED, DISCARDED }

    private final int limit;
    private final long waitNanos;
    private final CompletableFuture<TokenHttpResponse> answer = new CompletableFuture<>();
    private final ByteArrayOutputStream read = new ByteArrayOutputStream();

    private State state = State.READING;
    private Request sent;
    private boolean abortWhenSent;
    private Response head;
    private Content.Source source;
    private long start;
    private boolean ended;
    private Throwable failure;
    /** The exchange's end, when it came before the app's listeners took over (or while they were taking it). */
    private Result completed;
    private boolean handing;
    private AppListeners app;
    private HttpResponse appResponse;
    private volatile TokenHttpResponse offered;

    ResponseCapture(int limit, long waitMillis) {
        this.limit = limit;
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, waitMillis));
    }

    CompletableFuture<TokenHttpResponse> answer() {
        return answer;
    }

    /** The upstream request: aborted when the rest of its body is not wanted. */
    void sending(Request request) {
        boolean abort;
        synchronized (this) {
            sent = request;
            abort = abortWhenSent;
        }
        if (abort) {
            request.abort(new CancellationException("TokenGuard served another answer"));
        }
    }

    // ---------------------------------------------------------------- from Jetty

    @Override
    public void onHeaders(Response response) {
        synchronized (this) {
            head = response;
            start = System.nanoTime();
        }
    }

    @Override
    public void onContentSource(Response response, Content.Source content) {
        synchronized (this) {
            head = response;
            source = content;
        }
        pump();
    }

    /** Reads what is there, within the bounds; demands more while reading. */
    private void pump() {
        TokenHttpResponse truncated = null;
        synchronized (this) {
            while (state == State.READING && !ended) {
                Content.Chunk chunk = source.read();
                if (chunk == null) {
                    source.demand(this::pump);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    // The exchange fails with it (onComplete); a transient one (an idle timeout) ends the body too.
                    if (!chunk.isLast()) {
                        source.fail(chunk.getFailure());
                    }
                    return;
                }
                copy(chunk.getByteBuffer(), read);
                ended = chunk.isLast();
                chunk.release();
                if (!ended && (read.size() > limit || System.nanoTime() - start >= waitNanos)) {
                    state = State.OFFERED;
                    offered = response(true);
                    truncated = offered;
                }
            }
        }
        if (truncated != null) {
            // The guard's continuation hands the body to the app's listeners, here on Jetty's thread.
            answer.complete(truncated);
        }
    }

    @Override
    public void onComplete(Result result) {
        TokenHttpResponse whole = null;
        Throwable broke = null;
        AppListeners forwardTo = null;
        synchronized (this) {
            switch (state) {
                case READING:
                    if (result.isSucceeded()) {
                        state = State.WHOLE;
                        if (head == null) {
                            head = result.getResponse();
                        }
                        whole = response(false);
                    } else {
                        // With the headers here the body broke: the app may still get the part that arrived.
                        failure = result.getFailure();
                        state = head != null ? State.BROKEN : State.DISCARDED;
                        broke = failure;
                    }
                    break;
                case OFFERED:
                case BROKEN:
                    completed = result;
                    break;
                case HANDED:
                    if (handing) {
                        completed = result;
                    } else {
                        forwardTo = app;
                    }
                    break;
                default:
                    break;
            }
        }
        if (whole != null) {
            answer.complete(whole);
        } else if (broke != null) {
            answer.completeExceptionally(broke);
        } else if (forwardTo != null) {
            end(forwardTo, result);
        }
    }

    /** The send itself threw (an unstarted client, a bad request): before any response. */
    void sendFailed(Throwable cause) {
        synchronized (this) {
            if (state == State.READING) {
                state = State.DISCARDED;
            }
        }
        answer.completeExceptionally(cause);
    }

    // ---------------------------------------------------------------- from the adapter

    boolean offered(TokenHttpResponse truncated) {
        TokenHttpResponse mine = offered;
        return mine != null && mine.body() == truncated.body();
    }

    synchronized boolean brokeWith(Throwable error) {
        return state == State.BROKEN && failure == error;
    }

    /** The app's listeners take the response over: its head, the part read, then the live rest or the failure. */
    void handTo(AppListeners listeners) {
        byte[] prefix;
        Throwable broke;
        Response live;
        Content.Source rest;
        synchronized (this) {
            if (state != State.OFFERED && state != State.BROKEN) {
                throw new IllegalStateException("no body to hand over in state " + state);
            }
            broke = state == State.BROKEN ? failure : null;
            state = State.HANDED;
            handing = true;
            app = listeners;
            prefix = read.toByteArray();
            read.reset();
            live = head;
            rest = source;
        }
        HttpResponse response = listeners.begin(live.getVersion(), live.getStatus(), live.getReason(), live.getHeaders());
        Result done;
        synchronized (this) {
            appResponse = response;
        }
        listeners.content(response, new PrefixedSource(prefix, broke, broke == null ? rest : null));
        synchronized (this) {
            handing = false;
            done = completed;
            completed = null;
        }
        if (broke != null && done == null) {
            listeners.failed(response, broke);
        } else if (done != null) {
            end(listeners, done);
        }
    }

    /** The app aborted its request while this response streams to its listeners: aborted as Jetty's own. */
    boolean abortHanded(Throwable cause) {
        Request abort;
        synchronized (this) {
            if (state != State.HANDED || sent == null) {
                return false;
            }
            abort = sent;
        }
        abort.abort(cause);
        return true;
    }

    /** The guard answered otherwise: the rest of this body is not needed, and its connection goes. */
    void discard() {
        Request abort = null;
        synchronized (this) {
            if (state != State.READING && state != State.OFFERED && state != State.BROKEN) {
                return;
            }
            boolean live = state != State.BROKEN;
            state = State.DISCARDED;
            read.reset();
            if (!live) {
                return;
            }
            if (sent == null) {
                abortWhenSent = true;
            } else {
                abort = sent;
            }
        }
        if (abort != null) {
            abort.abort(new CancellationException("TokenGuard served another answer"));
        }
    }

    private void end(AppListeners listeners, Result result) {
        HttpResponse response;
        synchronized (this) {
            response = appResponse;
        }
        if (result.isSucceeded()) {
            listeners.succeeded(response);
        } else {
            listeners.failed(response, result.getFailure());
        }
    }

    private TokenHttpResponse response(boolean truncated) {
        HttpHeaders.Builder b = HttpHeaders.builder();
        HttpFields fields = head.getHeaders();
        for (HttpField f : fields) {
            b.add(f.getName(), f.getValue());
        }
        return new TokenHttpResponse(head.getStatus(), head.getReason(), b.build(), read.toByteArray(),
                ResponseSource.UPSTREAM, truncated);
    }

    private static void copy(ByteBuffer src, ByteArrayOutputStream to) {
        ByteBuffer b = src.slice();
        if (b.hasArray()) {
            to.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        } else {
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            to.write(chunk, 0, chunk.length);
        }
    }

    /** The part read, then the live rest of the upstream body (or the failure that ended it). */
    static final class PrefixedSource implements Content.Source {
        private byte[] prefix;
        private Throwable failure;
        private final Content.Source rest;

        PrefixedSource(byte[] prefix, Throwable failure, Content.Source rest) {
            this.prefix = prefix.length == 0 ? null : prefix;
            this.failure = failure;
            this.rest = rest;
        }

        @Override
        public Content.Chunk read() {
            synchronized (this) {
                if (prefix != null) {
                    byte[] p = prefix;
                    prefix = null;
                    return Content.Chunk.from(ByteBuffer.wrap(p), false);
                }
                if (failure != null) {
                    return Content.Chunk.from(failure, true);
                }
            }
            return rest == null ? Content.Chunk.EOF : rest.read();
        }

        @Override
        public void demand(Runnable demandCallback) {
            boolean now;
            synchronized (this) {
                now = prefix != null || failure != null || rest == null;
            }
            if (now) {
                demandCallback.run();
            } else {
                rest.demand(demandCallback);
            }
        }

        @Override
        public void fail(Throwable cause) {
            synchronized (this) {
                prefix = null;
                if (failure == null) {
                    failure = cause;
                }
            }
            if (rest != null) {
                rest.fail(cause);
            }
        }
    }
}
