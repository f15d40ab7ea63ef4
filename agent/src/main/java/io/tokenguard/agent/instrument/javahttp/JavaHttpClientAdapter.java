package io.tokenguard.agent.instrument.javahttp;

import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.JavaHttpClientHook;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TestFaults;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.body.BodyPrefix;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;

/**
 * java.net.http.HttpClient adapter, in the agent jar because the boot loader cannot see java.net.http.
 * Called (through {@link JavaHttpClientHook}) at the top of the JDK's private
 * {@code HttpClientImpl.sendAsync(request, handler, pushPromiseHandler, executor)}, the funnel of both
 * {@code send} and {@code sendAsync}: returns the answer as a future for token requests, or null to
 * let the JDK proceed untouched. Thin: capture, call the guard, hand back a native response. The
 * upstream answer is read by a {@link ResponseBodyCapture}: whole when it ends within the capture limit
 * and the body wait (then the caller's own BodyHandler runs over the bytes), else the JDK's own response
 * with the caller's own BodySubscriber fed the part read and the live rest.
 */
public final class JavaHttpClientAdapter implements JavaHttpClientHook.Adapter {
    /** Set while the adapter itself sends the upstream request, so that call is not intercepted again. */
    private static final ThreadLocal<Boolean> SENDING_UPSTREAM = new ThreadLocal<>();

    /** How much of a body of unknown length is read back before giving up on it. */
    private static final long READ_BACK_LIMIT = 16L * 1024 * 1024;

    @Override
    public CompletableFuture<?> sendAsync(Object client, Object request, Object handler, Object pushPromiseHandler,
                                          Object executor) {
        GuardDelegate d = Bridge.delegate();
        if (d == null || SENDING_UPSTREAM.get() != null || !(request instanceof HttpRequest)
                || !(handler instanceof HttpResponse.BodyHandler) || !(client instanceof HttpClient)) {
            return null;
        }
        HttpRequest httpRequest = (HttpRequest) request;
        URI uri = httpRequest.uri();
        if (!d.isTokenEndpoint(uri.getScheme(), uri.getHost(), uri.getPort(), uri.getPath())) {
            return null;
        }
        try {
            return guarded((HttpClient) client, httpRequest, (HttpResponse.BodyHandler<?>) handler, d.captureMaxBytes(),
                    d.bodyWaitMillis());
        } catch (MalformedURLException e) {
            return null;
        }
    }

    private static <T> CompletableFuture<HttpResponse<T>> guarded(HttpClient client, HttpRequest request,
                                                                  HttpResponse.BodyHandler<T> handler, int limit,
                                                                  long bodyWaitMillis)
            throws MalformedURLException {
        byte[] body = new byte[0];
        if (request.bodyPublisher().isPresent()) {
            HttpRequest.BodyPublisher publisher = request.bodyPublisher().get();
            if (publisher.contentLength() > limit) {
                return null;
            }
            body = publisher.contentLength() == 0 ? body : RequestBodyCapture.read(publisher, READ_BACK_LIMIT);
            if (body == null) {
                // The body could not be read back (a failing or endless publisher): nothing to guard.
                return null;
            }
        }
        byte[] captured = body;
        if (body.length > limit) {
            // Read already (the publisher may be one-shot), too large to guard: send it as it was.
            return sendUnguarded(client, replay(request, captured), handler);
        }
        long timeout = request.timeout().map(Duration::toMillis).orElse(0L);
        HttpHeaders headers;
        try {
            headers = JavaHttpClientCredentials.headers(client, request);
        } catch (IOException | RuntimeException e) {
            // The app's CookieHandler failed: the JDK asks it again and fails the request with it, unguarded
            // (with the body read back, since the original publisher may be one-shot).
            return sendUnguarded(client, replayOrOriginal(request, captured), handler);
        }
        TokenHttpRequest tokenRequest = JavaHttpClientCredentials.withSources(client, request,
                new TokenHttpRequest(request.method(), request.uri().toURL(), headers, body, timeout,
                        TokenHttpRequest.JDKHTTP));
        CompletableFuture<HttpClient.Version> version = new CompletableFuture<>();
        // Reads at most the capture limit, for at most the body wait (never past the request's timeout).
        ResponseBodyCapture<T> capture = new ResponseBodyCapture<>(limit,
                BodyPrefix.waitMillis(bodyWaitMillis, timeout), version);
        // The JDK's own future for this call's upstream send: the app's, when its body streams.
        List<CompletableFuture<HttpResponse<T>>> sent = new CopyOnWriteArrayList<>();
        // The replay is built only when something is sent: a cache hit never needs it.
        AsyncUpstream upstream = () -> sendUpstream(client, replayOrOriginal(request, captured), capture, sent);
        return Bridge.exchangeAsync(tokenRequest, upstream)
                .handle((answer, error) -> error != null ? failed(error, request, capture, handler, sent)
                        : respond(client, request, captured, handler, answer, capture, version, sent))
                .thenCompose(f -> f);
    }

    /** The guard's answer failed: the app fails as its client would, where its client would. */
    private static <T> CompletableFuture<HttpResponse<T>> failed(Throwable error, HttpRequest request,
            ResponseBodyCapture<T> capture,
            HttpResponse.BodyHandler<T> handler, List<CompletableFuture<HttpResponse<T>>> sent) {
        if (capture.brokeWith(unwrap(error)) && !sent.isEmpty()) {
            // The body broke while it was read: as without the agent, the app's handler gets the status,
            // the part that arrived, then the failure (send fails with it for ofByteArray, the body read
            // for ofInputStream).
            return handOver(capture, handler, sent.get(0), request);
        }
        capture.discard();
        return CompletableFuture.failedFuture(asHttpClientFailure(error));
    }

    private static <T> CompletableFuture<HttpResponse<T>> respond(HttpClient client, HttpRequest request,
            byte[] captured, HttpResponse.BodyHandler<T> handler, TokenHttpResponse answer,
            ResponseBodyCapture<T> capture, CompletableFuture<HttpClient.Version> version,
            List<CompletableFuture<HttpResponse<T>>> sent) {
        if (answer.truncated()) {
            if (!capture.offered(answer) || sent.isEmpty()) {
                // Only this call's own answer can be a prefix; without its rest it must not reach the app.
                capture.discard();
                return CompletableFuture.failedFuture(new IOException("TokenGuard lost the rest of the response"));
            }
            // The app's own handler over the JDK's own response: the part read, then the live rest.
            return handOver(capture, handler, sent.get(0), request);
        }
        // Whatever answers this call, the rest of its own body (if it was left unread) is not needed.
        capture.discard();
        HttpClient.Version v = version.getNow(client.version() == null ? HttpClient.Version.HTTP_1_1 : client.version());
        if (answer.source() == ResponseSource.UPSTREAM) {
            return deliver(request, handler, answer, v);
        }
        try {
            TestFaults.check(TestFaults.SYNTHETIC);
            return deliver(request, handler, answer, v);
        } catch (Throwable t) {
            Bridge.fault("synthetic", t);
            if (version.isDone()) {
                // This call went upstream already: never send it twice.
                return CompletableFuture.failedFuture(new IOException("TokenGuard could not build the response", t));
            }
            // Nothing was sent for this call: it goes upstream itself, as without TokenGuard.
            return sendUnguarded(client, replayOrOriginal(request, captured), handler);
        }
    }

    /** The JDK's own response of this call, its body made by the app's own handler from what the capture holds. */
    /**
     * The JDK's own response of this call, its body made by the app's own handler from what the capture
     * holds. When the body broke before the app's subscriber had it, the JDK may fail its own future;
     * the app then gets the status and headers as they arrived and meets the failure where its own
     * subscriber puts it (on the body read for ofInputStream; at send() for ofByteArray), as without
     * the agent.
     */
    private static <T> CompletableFuture<HttpResponse<T>> handOver(ResponseBodyCapture<T> capture,
            HttpResponse.BodyHandler<T> handler, CompletableFuture<HttpResponse<T>> own, HttpRequest request) {
        try {
            capture.handTo(handler);
        } catch (Throwable t) {
            // Sent already, part of the body read: never sent twice, so the call fails.
            Bridge.fault("jdkhttp", t);
            capture.discard();
            return CompletableFuture.failedFuture(new IOException("TokenGuard failed while reading the response", t));
        }
        return own.handle((response, failure) -> failure == null ? CompletableFuture.completedFuture(response)
                : capture.responseFromTheAppsBody(request)).thenCompose(f -> f);
    }

    /**
     * The replay, or the app's own request where the builder refuses to copy it (an HttpRequest
     * subclass of the app's with headers the builder rejects): what the JDK would have sent anyway.
     */
    private static HttpRequest replayOrOriginal(HttpRequest request, byte[] body) {
        try {
            return replay(request, body);
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

    private static <T> CompletableFuture<HttpResponse<T>> sendUnguarded(HttpClient client, HttpRequest replay,
                                                                        HttpResponse.BodyHandler<T> handler) {
        SENDING_UPSTREAM.set(Boolean.TRUE);
        try {
            return client.sendAsync(replay, handler);
        } finally {
            SENDING_UPSTREAM.remove();
        }
    }

    private static <T> CompletableFuture<TokenHttpResponse> sendUpstream(HttpClient client, HttpRequest replay,
            ResponseBodyCapture<T> capture, List<CompletableFuture<HttpResponse<T>>> sent) {
        CompletableFuture<HttpResponse<T>> response;
        SENDING_UPSTREAM.set(Boolean.TRUE);
        try {
            response = client.sendAsync(replay, capture);
        } finally {
            SENDING_UPSTREAM.remove();
        }
        sent.add(response);
        // A failure before the body (no connection, a timeout before the headers) is the guard's answer too.
        response.whenComplete((r, error) -> {
            if (error != null) {
                capture.failed(unwrap(error));
            }
        });
        return capture.answer();
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** Runs the caller's own BodyHandler over the answer, so ofString, ofInputStream, ofLines... all work. */
    private static <T> CompletableFuture<HttpResponse<T>> deliver(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                                  TokenHttpResponse answer, HttpClient.Version version) {
        java.net.http.HttpHeaders headers = java.net.http.HttpHeaders.of(answer.headers().toMap(), (k, v) -> true);
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
                return version;
            }
        };
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
        return subscriber.getBody().toCompletableFuture()
                .thenApply(body -> new SyntheticHttpResponse<>(answer.status(), request, headers, body, version));
    }

    /** What java.net.http itself would have failed with: its timeouts are HttpTimeoutExceptions. */
    private static Throwable asHttpClientFailure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof SocketTimeoutException) {
            HttpTimeoutException e = new HttpTimeoutException("request timed out");
            e.initCause(cause);
            return e;
        }
        return cause instanceof IOException || cause instanceof RuntimeException ? cause : new IOException(cause);
    }
}
