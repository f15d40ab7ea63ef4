package io.tokenguard.agent.instrument.jetty;

import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpRequest;
import org.eclipse.jetty.client.transport.HttpResponse;
import org.eclipse.jetty.client.transport.ResponseListeners;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;

/**
 * The app's side of a guarded call: its own request and every response listener it registered, the
 * {@code onResponseXxx} ones and the one given to {@code send}, notified in Jetty's own order through
 * the request's {@link ResponseListeners} (which catches what a listener throws, as Jetty does): begin,
 * each header, headers, the content as a {@link Content.Source} (the {@code onContent} and
 * {@code onContentSource} listeners alike), then success or failure, then complete with a {@link Result}.
 * The response is Jetty's own {@link HttpResponse} of the app's request.
 *
 * <p>The listeners are taken once, by whichever comes first: the guard's answer ({@link #claim}) or the
 * app's {@code abort()} ({@link #abort}), which fails them at once with its cause, as Jetty does. An
 * answer that comes after an abort is dropped; one that finds the request aborted but not yet told
 * (the abort came before the guard could hear of it) fails the listeners with the abort's cause instead.
 */
final class AppListeners {
    private enum Taken { NOT_YET, BY_ANSWER, BY_ABORT }

    private final HttpRequest request;
    private final Response.CompleteListener listener;
    private final AtomicReference<Taken> taken = new AtomicReference<>(Taken.NOT_YET);
    private ResponseListeners listeners;

    AppListeners(HttpRequest request, Response.CompleteListener listener) {
        this.request = request;
        this.listener = listener;
    }

    /**
     * Takes the listeners for the guard's answer: true when it may go on (again, after it took them),
     * false when the app aborted first (its listeners failed, or fail now, with the abort's cause).
     */
    boolean claim() {
        if (taken.get() == Taken.BY_ANSWER) {
            return true;
        }
        Throwable aborted = request.getAbortCause();
        if (!taken.compareAndSet(Taken.NOT_YET, aborted != null ? Taken.BY_ABORT : Taken.BY_ANSWER)) {
            return false;
        }
        if (aborted != null) {
            failed(null, aborted);
            return false;
        }
        return true;
    }

    /** The app aborted its request: its listeners fail now, unless the guard's answer already has them. */
    boolean abort(Throwable cause) {
        if (!taken.compareAndSet(Taken.NOT_YET, Taken.BY_ABORT)) {
            return false;
        }
        failed(null, cause);
        return true;
    }

    /** Whether the app's abort took the listeners. */
    boolean aborted() {
        return taken.get() == Taken.BY_ABORT;
    }

    /** The request's listeners with the send's own, added once, as Jetty's sendAsync adds it. */
    private synchronized ResponseListeners listeners() {
        if (listeners == null) {
            ResponseListeners l = request.getResponseListeners();
            if (listener != null) {
                l.addCompleteListener(listener, true);
            }
            listeners = l;
        }
        return listeners;
    }

    /** A response of the app's request with this status line, its begin and headers notified. */
    HttpResponse begin(HttpVersion version, int status, String reason, HttpFields headers) {
        ResponseListeners l = listeners();
        HttpResponse response = new HttpResponse(request).version(version == null ? HttpVersion.HTTP_1_1 : version)
                .status(status).reason(reason);
        l.notifyBegin(response);
        for (HttpField f : headers) {
            if (l.notifyHeader(response, f)) {
                response.addHeader(f);
            }
        }
        l.notifyHeaders(response);
        return response;
    }

    HttpResponse begin(TokenHttpResponse answer) {
        HttpFields.Mutable fields = HttpFields.build();
        HttpHeaders h = answer.headers();
        for (int i = 0; i < h.size(); i++) {
            fields.add(h.name(i), h.value(i));
        }
        return begin(HttpVersion.HTTP_1_1, answer.status(), answer.reason(), fields);
    }

    void content(HttpResponse response, Content.Source source) {
        listeners().notifyContentSource(response, source);
    }

    void succeeded(HttpResponse response) {
        ResponseListeners l = listeners();
        l.notifySuccess(response);
        l.notifyComplete(new Result(request, response));
    }

    /** @param response the response begun, or null when the call failed before one arrived */
    void failed(HttpResponse response, Throwable failure) {
        ResponseListeners l = listeners();
        HttpResponse r = response != null ? response : new HttpResponse(request);
        l.notifyFailure(r, failure);
        l.notifyComplete(new Result(request, response == null ? failure : null, r, failure));
    }

    /** A whole answer: status, headers, the body as one last chunk, then success and complete once it was read. */
    void deliver(TokenHttpResponse answer) {
        HttpResponse response = begin(answer);
        BytesSource body = new BytesSource(answer.body(), () -> succeeded(response));
        body.deliverTo(this, response);
    }

    /**
     * A whole body as a content source. Success and complete follow once the listeners read its last
     * chunk, and only when the call that read it returned (in Jetty the parser's next event does),
     * so a listener that buffers the chunk has it before its onComplete runs.
     */
    static final class BytesSource implements Content.Source {
        private final byte[] bytes;
        private final Runnable end;
        private boolean read;
        private boolean ended;
        private int depth;

        BytesSource(byte[] bytes, Runnable end) {
            this.bytes = bytes;
            this.end = end;
        }

        void deliverTo(AppListeners app, HttpResponse response) {
            enter();
            try {
                app.content(response, this);
            } finally {
                leave();
            }
        }

        @Override
        public long getLength() {
            return bytes.length;
        }

        @Override
        public Content.Chunk read() {
            boolean now;
            synchronized (this) {
                if (read) {
                    return Content.Chunk.EOF;
                }
                read = true;
                // Read outside any call of ours (a listener that kept the source for another thread):
                // nothing returns to us afterwards, so the end follows now.
                now = depth == 0;
                ended |= now;
            }
            if (now) {
                end.run();
            }
            return Content.Chunk.from(ByteBuffer.wrap(bytes).asReadOnlyBuffer(), true);
        }

        @Override
        public void demand(Runnable demandCallback) {
            enter();
            try {
                demandCallback.run();
            } finally {
                leave();
            }
        }

        @Override
        public void fail(Throwable failure) {
            // The listener gave up on a body it has whole: nothing is left to release.
        }

        private synchronized void enter() {
            depth++;
        }

        private void leave() {
            boolean now;
            synchronized (this) {
                now = --depth == 0 && read && !ended;
                if (now) {
                    ended = true;
                }
            }
            if (now) {
                end.run();
            }
        }
    }
}
