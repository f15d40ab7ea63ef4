package io.tokenguard.agent.instrument.apache5;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.concurrent.BasicFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.impl.BasicEntityDetails;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.nio.AsyncPushConsumer;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.HandlerFactory;
import org.apache.hc.core5.http.nio.entity.BasicAsyncEntityProducer;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Apache HttpClient 5 async adapter, defined in a child of the app's HttpClient loader. The request is
 * read from the caller's producer (only a repeatable one that produces its body at once; anything else
 * passes untouched), the upstream send is the client's own execute with an equal byte producer, and
 * every answer reaches the caller through its own consumer and callback. No thread waits: the answer is
 * delivered on whichever thread completes the guard's future (a reactor thread for an upstream answer).
 * The upstream answer is read by an {@link AsyncResponseCapture}: whole when it ends within the capture
 * limit and the body wait, else the caller's consumer takes the client's own response over as it streams.
 */
public final class GuardedAsyncExecution {
    private static final ThreadLocal<Boolean> SENDING_UPSTREAM = new ThreadLocal<>();

    private GuardedAsyncExecution() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Object execute(Object client, Object target, Object producer, Object consumer,
                                 Object pushHandlerFactory, Object context, Object callback) throws Exception {
        GuardDelegate guard = Bridge.delegate();
        if (guard == null || SENDING_UPSTREAM.get() != null || !(client instanceof CloseableHttpAsyncClient)
                || !(producer instanceof AsyncRequestProducer) || !(consumer instanceof AsyncResponseConsumer)
                || !((AsyncRequestProducer) producer).isRepeatable()) {
            return null;
        }
        AsyncRequestProducer requestProducer = (AsyncRequestProducer) producer;
        Captured captured = new Captured();
        requestProducer.sendRequest((request, entity, ctx) -> {
            captured.request = request;
            captured.entity = entity;
        }, (HttpContext) context);
        if (captured.request == null) {
            return null;
        }
        Boolean tokenEndpoint = RequestTarget.isTokenEndpoint(guard, (HttpHost) target, captured.request);
        if (Boolean.FALSE.equals(tokenEndpoint)) {
            return null;
        }
        URI uri = uri((HttpHost) target, captured.request);
        if (uri == null || (tokenEndpoint == null
                && !guard.isTokenEndpoint(uri.getScheme(), uri.getHost(), uri.getPort(), uri.getPath()))) {
            return null;
        }
        byte[] body = captured.entity == null ? new byte[0] : drain(requestProducer, guard.captureMaxBytes());
        // Repeatable: rewound for whoever produces it next (the pass-through send, or nobody).
        requestProducer.releaseResources();
        if (body == null) {
            return null;
        }
        HttpRequest request = captured.request;
        ContentType type = captured.entity == null || captured.entity.getContentType() == null ? null
                : ContentType.parse(captured.entity.getContentType());
        CloseableHttpAsyncClient httpClient = (CloseableHttpAsyncClient) client;
        // What the exec chain adds below this hook (see Apache5Credentials): cookies as headers,
        // the client and its context's credential machinery by identity.
        HttpHeaders headers = Apache5Credentials.withCookies(client, (HttpContext) context, uri,
                headers(request, captured.entity));
        if (headers == null) {
            return null;
        }
        TokenHttpRequest tokenRequest = Apache5Credentials.withSources(client, (HttpContext) context,
                new TokenHttpRequest(HttpClientKind.APACHE5, request.getMethod(), uri.toURL(), headers, body, 0));
        // Reads at most the capture limit, for at most the body wait, before the caller's consumer gets the response.
        AsyncResponseCapture own = new AsyncResponseCapture(guard.captureMaxBytes(), guard.bodyWaitMillis());
        BasicFuture<Object> answerFuture = new BasicFuture<Object>((FutureCallback<Object>) callback) {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                // As the client's own future: cancelling it ends this call's exchange (a body still streaming too).
                boolean cancelled = super.cancel(mayInterruptIfRunning);
                if (cancelled) {
                    own.cancel();
                }
                return cancelled;
            }
        };
        Bridge.exchangeAsync(tokenRequest, () -> sendUpstream(httpClient, (HttpHost) target, request,
                        captured.entity == null ? null : new BasicAsyncEntityProducer(body, type),
                        (HandlerFactory<AsyncPushConsumer>) pushHandlerFactory, (HttpContext) context, own))
                .whenComplete((answer, error) -> deliver(answer, error, own, (AsyncResponseConsumer<Object>) consumer,
                        (HttpContext) context, answerFuture));
        return (Future) answerFuture;
    }

    private static final class Captured {
        HttpRequest request;
        EntityDetails entity;
    }

    /** The body, or null when it does not come at once or is over the limit. */
    private static byte[] drain(AsyncRequestProducer producer, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean[] ended = new boolean[1];
        DataStreamChannel channel = new DataStreamChannel() {
            @Override
            public void requestOutput() {
            }

            @Override
            public int write(ByteBuffer src) {
                int n = src.remaining();
                byte[] chunk = new byte[n];
                src.get(chunk);
                out.write(chunk, 0, n);
                return n;
            }

            @Override
            public void endStream(List<? extends Header> trailers) {
                ended[0] = true;
            }

            @Override
            public void endStream() {
                ended[0] = true;
            }
        };
        // A producer that has data now produces it in a few rounds; one that waits for more is left alone.
        for (int round = 0; round < 1024 && !ended[0] && out.size() <= limit; round++) {
            producer.produce(channel);
        }
        return ended[0] && out.size() <= limit ? out.toByteArray() : null;
    }

    private static URI uri(HttpHost target, HttpRequest request) {
        try {
            URI uri = request.getUri();
            if (!uri.isAbsolute() && target != null) {
                uri = new URI(target.toURI() + uri);
            }
            return uri.isAbsolute() ? uri : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static HttpHeaders headers(HttpRequest request, EntityDetails entity) {
        HttpHeaders.Builder b = HttpHeaders.builder();
        for (Header h : request.getHeaders()) {
            b.add(h.getName(), h.getValue());
        }
        if (entity != null && entity.getContentType() != null && request.getFirstHeader("Content-Type") == null) {
            b.add("Content-Type", entity.getContentType());
        }
        return b.build();
    }

    private static CompletableFuture<TokenHttpResponse> sendUpstream(CloseableHttpAsyncClient client, HttpHost target,
            HttpRequest request, BasicAsyncEntityProducer entity, HandlerFactory<AsyncPushConsumer> push,
            HttpContext context, AsyncResponseCapture capture) {
        SENDING_UPSTREAM.set(Boolean.TRUE);
        try {
            Future<Void> exchange = client.execute(target, new BasicRequestProducer(request, entity), capture, push,
                    context, new FutureCallback<Void>() {
                        @Override
                        public void completed(Void nothing) {
                            // The capture answered the guard already (whole, or truncated and handed over).
                        }

                        @Override
                        public void failed(Exception e) {
                            capture.exchangeFailed(e);
                        }

                        @Override
                        public void cancelled() {
                            capture.exchangeCancelled();
                        }
                    });
            capture.sent(exchange);
        } catch (RuntimeException e) {
            capture.exchangeFailed(e);
        } finally {
            SENDING_UPSTREAM.remove();
        }
        return capture.answer();
    }

    /**
     * Feeds the answer through the caller's own consumer, which completes the caller's future and
     * callback: the bytes of a whole answer, or (this call's own answer read only in part, or broken
     * while read) the client's own response as it streams on.
     */
    private static void deliver(TokenHttpResponse answer, Throwable error, AsyncResponseCapture own,
                                AsyncResponseConsumer<Object> consumer, HttpContext context,
                                BasicFuture<Object> future) {
        try {
            if (error != null && own.brokeWith(unwrapped(error))) {
                own.handTo(consumer, future);
                return;
            }
            if (error == null && answer.truncated()) {
                if (own.offered(answer)) {
                    own.handTo(consumer, future);
                    return;
                }
                // Only this call's own answer can be a prefix; without its rest it must not reach the caller.
                own.discard();
                error = new IOException("TokenGuard lost the rest of the response");
            }
        } catch (RuntimeException | LinkageError e) {
            // Sent already and part of the body read: never sent twice, so the call fails.
            Bridge.fault("apache5", e);
            own.discard();
            error = new IOException("TokenGuard failed while reading the response", e);
        }
        // Whatever answers this call, the rest of its own body (if it was left unread) is not needed.
        own.discard();
        deliverWhole(answer, error, consumer, context, future);
    }

    private static Throwable unwrapped(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
    }

    /** Feeds a whole answer (or a failure) through the caller's own consumer, which completes its future and callback. */
    private static void deliverWhole(TokenHttpResponse answer, Throwable error, AsyncResponseConsumer<Object> consumer,
                                     HttpContext context, BasicFuture<Object> future) {
        try {
            if (error != null) {
                Exception e = unwrap(error);
                consumer.failed(e);
                future.failed(e);
                return;
            }
            BasicHttpResponse response = new BasicHttpResponse(answer.status(), answer.reason());
            HttpHeaders h = answer.headers();
            for (int i = 0; i < h.size(); i++) {
                response.addHeader(h.name(i), h.value(i));
            }
            byte[] body = answer.body();
            String type = h.first("Content-Type");
            EntityDetails entity = body.length == 0 ? null
                    : new BasicEntityDetails(body.length, type == null ? null : ContentType.parse(type));
            consumer.consumeResponse(response, entity, context, new FutureCallback<Object>() {
                @Override
                public void completed(Object result) {
                    future.completed(result);
                }

                @Override
                public void failed(Exception e) {
                    future.failed(e);
                }

                @Override
                public void cancelled() {
                    future.cancel();
                }
            });
            if (entity != null) {
                consumer.consume(ByteBuffer.wrap(body));
                consumer.streamEnd(null);
            }
        } catch (Exception e) {
            consumer.failed(e);
            future.failed(e);
        } finally {
            consumer.releaseResources();
        }
    }

    private static Exception unwrap(Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return t instanceof Exception ? (Exception) t : new IOException(t);
    }
}
