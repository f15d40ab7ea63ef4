package io.tokenguard.agent.instrument.apache5;

import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.adapter.AsyncClientExchange;
import io.tokenguard.bootstrap.adapter.BodyBounds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * Apache HttpClient 5 async's part of one guarded call. The request is read from the caller's producer
 * (only a repeatable one that produces its body at once; anything else passes untouched), the upstream
 * send is the client's own execute with an equal byte producer, and every answer reaches the caller
 * through its own consumer and callback. No thread waits: the answer is delivered on whichever thread
 * completes the guard's future (a reactor thread for an upstream answer). The upstream answer is read by
 * an {@link AsyncResponseCapture}: whole when it ends within the capture limit and the body wait, else
 * the caller's consumer takes the client's own response over as it streams. A waiting caller gives up
 * after the response timeout its client would read with (the request's config, the context's, the
 * client's default).
 */
final class Apache5AsyncExchange extends AsyncClientExchange<Future<?>> {
    private final CloseableHttpAsyncClient httpClient;
    private final HttpHost target;
    private final AsyncRequestProducer producer;
    private final AsyncResponseConsumer<Object> consumer;
    private final HandlerFactory<AsyncPushConsumer> push;
    private final HttpContext context;
    private final FutureCallback<Object> callback;

    private HttpRequest request;
    private EntityDetails entity;
    private byte[] body;
    private volatile AsyncResponseCapture own;
    private BasicFuture<Object> answer;
    /** The client's own exchange when the call went upstream unguarded: cancelled with the caller's future. */
    private volatile Future<?> unguarded;

    Apache5AsyncExchange(GuardDelegate guard, CloseableHttpAsyncClient client, HttpHost target,
                         AsyncRequestProducer producer, AsyncResponseConsumer<Object> consumer,
                         HandlerFactory<AsyncPushConsumer> push, HttpContext context, FutureCallback<Object> callback) {
        super(HttpClientKind.APACHE5, guard);
        this.httpClient = client;
        this.target = target;
        this.producer = producer;
        this.consumer = consumer;
        this.push = push;
        this.context = context;
        this.callback = callback;
    }

    /** The request only the producer knows: it is asked for it here, then for its body if it is a token request. */
    @Override
    protected TokenHttpRequest request(int captureMaxBytes) throws Throwable {
        producer.sendRequest((r, e, ctx) -> {
            request = r;
            entity = e;
        }, context);
        if (request == null || !Apache5Exchange.TOKEN_URL.isTokenEndpoint(guard, target, request)) {
            return null;
        }
        URI uri = uri(target, request);
        if (uri == null) {
            return null;
        }
        body = entity == null ? new byte[0] : drain(producer, captureMaxBytes);
        // Repeatable: rewound for whoever produces it next (the pass-through send, or nobody).
        producer.releaseResources();
        if (body == null) {
            return null;
        }
        // What the exec chain adds below this hook (see Apache5Credentials): cookies as headers,
        // the client and its context's credential machinery by identity.
        HttpHeaders headers = Apache5Credentials.withCookies(httpClient, context, uri, headers(request, entity));
        if (headers == null) {
            return null;
        }
        return Apache5Credentials.withSources(httpClient, context, new TokenHttpRequest(client, request.getMethod(),
                uri.toURL(), headers, body, Apache5Exchange.responseTimeoutMillis(httpClient, request, context)));
    }

    /** Null: the client's own doExecute goes on, as without TokenGuard. */
    @Override
    protected Future<?> proceed() {
        return null;
    }

    @Override
    protected Future<?> started() {
        answer = new BasicFuture<Object>(callback) {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                // As the client's own future: cancelling it ends this call's exchange (a body still streaming too).
                boolean cancelled = super.cancel(mayInterruptIfRunning);
                if (cancelled) {
                    AsyncResponseCapture capture = own;
                    if (capture != null) {
                        capture.cancel();
                    }
                    Future<?> f = unguarded;
                    if (f != null) {
                        f.cancel(mayInterruptIfRunning);
                    }
                }
                return cancelled;
            }
        };
        return answer;
    }

    @Override
    protected CompletableFuture<TokenHttpResponse> send(BodyBounds bounds) {
        // Reads at most the capture limit, for at most the body wait, before the caller's consumer gets the response.
        AsyncResponseCapture capture = new AsyncResponseCapture(bounds.limit(), bounds.waitMillis());
        own = capture;
        ContentType type = entity == null || entity.getContentType() == null ? null
                : ContentType.parse(entity.getContentType());
        try {
            Future<Void> exchange = httpClient.execute(target, new BasicRequestProducer(request,
                    entity == null ? null : new BasicAsyncEntityProducer(body, type)), capture, push, context,
                    new FutureCallback<Void>() {
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
        }
        return capture.answer();
    }

    @Override
    protected boolean isOwnPrefix(TokenHttpResponse truncated) {
        AsyncResponseCapture capture = own;
        return capture != null && capture.offered(truncated);
    }

    @Override
    protected boolean isOwnBodyFailure(Throwable failure) {
        AsyncResponseCapture capture = own;
        return capture != null && capture.brokeWith(failure);
    }

    /** The caller's consumer takes this call's own response over: the part read, then the rest or the failure. */
    @Override
    protected void handOver() {
        own.handTo(consumer, answer);
    }

    @Override
    protected void discardOwn() {
        AsyncResponseCapture capture = own;
        if (capture != null) {
            capture.discard();
        }
    }

    /** Feeds a whole answer through the caller's own consumer, which completes its future and callback. */
    @Override
    protected void deliver(TokenHttpResponse whole) {
        BasicHttpResponse response = new BasicHttpResponse(whole.status(), whole.reason());
        HttpHeaders h = whole.headers();
        for (int i = 0; i < h.size(); i++) {
            response.addHeader(h.name(i), h.value(i));
        }
        byte[] bytes = whole.body();
        String type = h.first("Content-Type");
        EntityDetails details = bytes.length == 0 ? null
                : new BasicEntityDetails(bytes.length, type == null ? null : ContentType.parse(type));
        BasicFuture<Object> future = answer;
        try {
            consumer.consumeResponse(response, details, context, new FutureCallback<Object>() {
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
            if (details != null) {
                consumer.consume(ByteBuffer.wrap(bytes));
                consumer.streamEnd(null);
            }
        } catch (Exception e) {
            // The caller's own consumer failed on what it was given: as the client would, it fails.
            consumer.failed(e);
            future.failed(e);
        } finally {
            consumer.releaseResources();
        }
    }

    @Override
    protected void fail(Throwable failure) {
        Exception e = failure instanceof Exception ? (Exception) failure : new IOException(failure);
        try {
            consumer.failed(e);
            answer.failed(e);
        } finally {
            consumer.releaseResources();
        }
    }

    /** The client's own execute with the caller's own producer (rewound), consumer and a callback to its future. */
    @Override
    protected void sendUnguarded() {
        BasicFuture<Object> future = answer;
        unguarded = unguarded(() -> httpClient.execute(target, producer, consumer, push, context,
                new FutureCallback<Object>() {
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
                }));
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
}
