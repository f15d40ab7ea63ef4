package io.tokenguard.agent.instrument.javahttp;

import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.adapter.AsyncClientExchange;
import io.tokenguard.bootstrap.adapter.BodyBounds;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;

/**
 * java.net.http's part of one guarded call (send and sendAsync alike): its request with the body read
 * back from the publisher, the send with a {@link ResponseBodyCapture} as this call's own BodyHandler,
 * and every answer made by the app's own BodyHandler: over the bytes of a whole answer, or over the
 * JDK's own response as it streams on. The caller's future is composed from the guard's, so it fails
 * the way it always did.
 */
final class JavaHttpClientExchange<T> extends AsyncClientExchange<CompletableFuture<HttpResponse<T>>> {
    /** How much of a body of unknown length is read back before giving up on it. */
    private static final long READ_BACK_LIMIT = 16L * 1024 * 1024;

    private final HttpClient httpClient;
    private final HttpRequest request;
    private final HttpResponse.BodyHandler<T> handler;
    /** The body as read back from the publisher (it may be one-shot: every send then uses these bytes). */
    private byte[] captured = new byte[0];
    private boolean bodyRead;
    private final CompletableFuture<HttpClient.Version> version = new CompletableFuture<>();
    /** The caller's answer, as a future to compose: the JDK's own, or one built from an answer. */
    private final CompletableFuture<CompletableFuture<HttpResponse<T>>> answers = new CompletableFuture<>();
    private volatile ResponseBodyCapture<T> capture;
    /** The JDK's own future for this call's upstream send: the app's, when its body streams. */
    private volatile CompletableFuture<HttpResponse<T>> own;

    JavaHttpClientExchange(GuardDelegate guard, HttpClient client, HttpRequest request,
                           HttpResponse.BodyHandler<T> handler) {
        super(HttpClientKind.JDKHTTP, guard);
        this.httpClient = client;
        this.request = request;
        this.handler = handler;
    }

    @Override
    protected TokenHttpRequest request(int captureMaxBytes) throws Throwable {
        if (request.bodyPublisher().isPresent()) {
            HttpRequest.BodyPublisher publisher = request.bodyPublisher().get();
            if (publisher.contentLength() > captureMaxBytes) {
                return null;
            }
            if (publisher.contentLength() != 0) {
                byte[] body = RequestBodyCapture.read(publisher, READ_BACK_LIMIT);
                if (body == null) {
                    // The body could not be read back (a failing or endless publisher): nothing to guard.
                    return null;
                }
                captured = body;
                bodyRead = true;
            }
        }
        if (captured.length > captureMaxBytes) {
            // Read already (the publisher may be one-shot), too large to guard: sent as it was.
            return null;
        }
        long timeout = request.timeout().map(Duration::toMillis).orElse(0L);
        HttpHeaders headers;
        try {
            headers = JavaHttpClientCredentials.headers(httpClient, request);
        } catch (IOException | RuntimeException e) {
            // The app's CookieHandler failed: the JDK asks it again and fails the request with it, unguarded
            // (with the body read back, since the original publisher may be one-shot).
            bodyRead = true;
            return null;
        }
        return JavaHttpClientCredentials.withSources(httpClient, request,
                new TokenHttpRequest(client, request.method(), request.uri().toURL(), headers, captured, timeout));
    }

    /** Untouched unless its body was read back: then the JDK sends an equal copy. */
    @Override
    protected CompletableFuture<HttpResponse<T>> proceed() {
        return bodyRead ? sendUnguarded(replayOrOriginal()) : null;
    }

    @Override
    protected CompletableFuture<HttpResponse<T>> started() {
        return answers.thenCompose(f -> f);
    }

    @Override
    protected CompletableFuture<TokenHttpResponse> send(BodyBounds bounds) {
        ResponseBodyCapture<T> c = new ResponseBodyCapture<>(bounds.limit(), bounds.waitMillis(), version);
        capture = c;
        // The replay is built only when something is sent: a cache hit never needs it.
        CompletableFuture<HttpResponse<T>> response = httpClient.sendAsync(replayOrOriginal(), c);
        own = response;
        // A failure before the body (no connection, a timeout before the headers) is the guard's answer too.
        response.whenComplete((r, error) -> {
            if (error != null) {
                c.failed(unwrap(error));
            }
        });
        return c.answer();
    }

    @Override
    protected boolean isOwnPrefix(TokenHttpResponse truncated) {
        ResponseBodyCapture<T> c = capture;
        return c != null && own != null && c.offered(truncated);
    }

    @Override
    protected boolean isOwnBodyFailure(Throwable failure) {
        ResponseBodyCapture<T> c = capture;
        return c != null && own != null && c.brokeWith(failure);
    }

    /**
     * The JDK's own response of this call, its body made by the app's own handler from what the capture
     * holds: the part read and the live rest, or (the body broke while it was read) the part that arrived
     * and then the failure: send fails with it for ofByteArray, the body read for ofInputStream. When the
     * body broke before the app's subscriber had it, the JDK may fail its own future: the app then gets
     * the status and headers as they arrived and the body its own subscriber made, which meets the
     * failure where it would without the agent.
     */
    @Override
    protected void handOver() {
        ResponseBodyCapture<T> c = capture;
        c.handTo(handler);
        answers.complete(own.handle((response, failure) -> failure == null
                ? CompletableFuture.completedFuture(response) : c.responseFromTheAppsBody(request))
                .thenCompose(f -> f));
    }

    @Override
    protected void discardOwn() {
        ResponseBodyCapture<T> c = capture;
        if (c != null) {
            c.discard();
        }
    }

    /** Runs the caller's own BodyHandler over the answer, so ofString, ofInputStream, ofLines... all work. */
    @Override
    protected void deliver(TokenHttpResponse answer) {
        HttpClient.Version v = version.getNow(httpClient.version() == null ? HttpClient.Version.HTTP_1_1
                : httpClient.version());
        java.net.http.HttpHeaders headers = java.net.http.HttpHeaders.of(answer.headers().toMap(), (k, val) -> true);
        HttpResponse.ResponseInfo info = new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return answer.status();
            }

            @Override
            public java.net.http.HttpHeaders headers() {
                return headers;
            }

            @Override
            public HttpClient.Version version() {
                return v;
            }
        };
        CompletableFuture<HttpResponse<T>> delivered;
        try {
            HttpResponse.BodySubscriber<T> subscriber = handler.apply(info);
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            if (answer.body().length > 0) {
                subscriber.onNext(Collections.singletonList(ByteBuffer.wrap(answer.body())));
            }
            subscriber.onComplete();
            delivered = subscriber.getBody().toCompletableFuture()
                    .thenApply(body -> new SyntheticHttpResponse<>(answer.status(), request, headers, body, v));
        } catch (RuntimeException | Error e) {
            // The app's own handler or subscriber failed: its send fails with that, as the JDK's would.
            delivered = CompletableFuture.failedFuture(e);
        }
        answers.complete(delivered);
    }

    /** What java.net.http itself would have failed with: its timeouts are HttpTimeoutExceptions. */
    @Override
    protected void fail(Throwable failure) {
        answers.complete(CompletableFuture.failedFuture(asHttpClientFailure(failure)));
    }

    @Override
    protected void sendUnguarded() {
        answers.complete(sendUnguarded(replayOrOriginal()));
    }

    private CompletableFuture<HttpResponse<T>> sendUnguarded(HttpRequest replay) {
        return unguarded(() -> httpClient.sendAsync(replay, handler));
    }

    /**
     * The replay, or the app's own request where the builder refuses to copy it (an HttpRequest
     * subclass of the app's with headers the builder rejects): what the JDK would have sent anyway.
     */
    private HttpRequest replayOrOriginal() {
        try {
            return replay(request, captured);
        } catch (RuntimeException e) {
            return request;
        }
    }

    /** The same request with its body as an equal byte-array publisher: the original may be one-shot. */
    private static HttpRequest replay(HttpRequest request, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(request.uri())
                .method(request.method(), request.bodyPublisher().isPresent()
                        ? HttpRequest.BodyPublishers.ofByteArray(body) : HttpRequest.BodyPublishers.noBody())
                .expectContinue(request.expectContinue());
        request.timeout().ifPresent(b::timeout);
        request.version().ifPresent(b::version);
        for (Map.Entry<String, List<String>> h : request.headers().map().entrySet()) {
            for (String v : h.getValue()) {
                b.header(h.getKey(), v);
            }
        }
        return b.build();
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static Throwable asHttpClientFailure(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof SocketTimeoutException) {
            HttpTimeoutException e = new HttpTimeoutException("request timed out");
            e.initCause(cause);
            return e;
        }
        return cause instanceof IOException || cause instanceof RuntimeException ? cause : new IOException(cause);
    }
}
