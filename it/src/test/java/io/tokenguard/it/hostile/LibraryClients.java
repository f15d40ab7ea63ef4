package io.tokenguard.it.hostile;

import io.tokenguard.it.hostile.HostileCase.Request;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The app side of the corpus for the library clients (OkHttp, Apache HttpClient 4.5, 5 classic and 5
 * async, Jetty 12, Reactor Netty, Vert.x), as a careless app uses them: one client object each for the whole run (so the guard may
 * share answers between its requests), the case's timeout on every request, automatic retries off (so
 * a 429 with Retry-After reaches the app at once, with or without the agent). Names only API that
 * every version of the matrix keeps; the child JVM gets OkHttp 4.12.0, HttpClient 4.5.14 and 5.6.5, Jetty 12.1.14,
 * Reactor Netty 1.3.7 and Vert.x 5.0.7 (one Netty line, 4.2, for both).
 */
final class LibraryClients implements AutoCloseable {
    private final okhttp3.OkHttpClient okhttp = new okhttp3.OkHttpClient.Builder()
            .connectTimeout(5, TimeUnit.SECONDS).build();
    private final org.apache.http.impl.client.CloseableHttpClient apache4 = org.apache.http.impl.client.HttpClients
            .custom().disableAutomaticRetries().build();
    private final org.apache.hc.client5.http.impl.classic.CloseableHttpClient apache5 =
            org.apache.hc.client5.http.impl.classic.HttpClients.custom().disableAutomaticRetries().build();
    private final org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient apache5Async =
            org.apache.hc.client5.http.impl.async.HttpAsyncClients.custom().disableAutomaticRetries().build();

    /** Jetty 12 as it comes, on daemon threads (the runner's JVM ends when its main does). */
    private final org.eclipse.jetty.client.HttpClient jetty = new org.eclipse.jetty.client.HttpClient();

    /** Reactor Netty as it comes (no compress(true)), its event loops daemon threads; blocking with block(). */
    private final reactor.netty.resources.LoopResources reactorLoops =
            reactor.netty.resources.LoopResources.create("hostile-reactor", 2, true);
    private final reactor.netty.http.client.HttpClient reactorNetty = reactor.netty.http.client.HttpClient
            .create(reactor.netty.resources.ConnectionProvider.create("hostile-reactor", 16)).runOn(reactorLoops);

    /** Vert.x's raw HttpClient as it comes (no decompression), on its own event loops; the caller waits on the future. */
    private final io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    private final io.vertx.core.http.HttpClient vertxHttp = vertxClient(vertx);

    /** createHttpClient returns HttpClient in 4.5 and HttpClientAgent in 5.0 (another method to the JVM). */
    private static io.vertx.core.http.HttpClient vertxClient(io.vertx.core.Vertx vertx) {
        try {
            return (io.vertx.core.http.HttpClient) io.vertx.core.Vertx.class.getMethod("createHttpClient").invoke(vertx);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    LibraryClients() throws Exception {
        apache5Async.start();
        org.eclipse.jetty.util.thread.QueuedThreadPool threads = new org.eclipse.jetty.util.thread.QueuedThreadPool();
        threads.setDaemon(true);
        jetty.setExecutor(threads);
        jetty.setScheduler(new org.eclipse.jetty.util.thread.ScheduledExecutorScheduler("hostile-jetty", true));
        jetty.start();
    }

    /** One attempt through the named client; the outcome filled in as far as the app got. */
    HostileRunner.Outcome call(String client, String url, Request r, int timeoutMillis, HostileRunner.Outcome o) {
        try {
            switch (client) {
                case "okhttp":
                    okhttp(url, r, timeoutMillis, o);
                    break;
                case "apache4":
                    apache4(url, r, timeoutMillis, o);
                    break;
                case "apache5":
                    apache5(url, r, timeoutMillis, o);
                    break;
                case "apache5-async":
                    apache5Async(url, r, timeoutMillis, o);
                    break;
                case "jetty":
                    jetty(url, r, timeoutMillis, o);
                    break;
                case "reactor-netty":
                    reactorNetty(url, r, timeoutMillis, o);
                    break;
                case "vertx":
                    vertx(url, r, timeoutMillis, o);
                    break;
                default:
                    throw new IllegalArgumentException("no such client in the corpus: " + client);
            }
            o.step = "done";
        } catch (ExecutionException e) {
            o.exception = e.getCause().getClass().getName();
        } catch (Exception e) {
            o.exception = e.getClass().getName();
        }
        return o;
    }

    private void okhttp(String url, Request r, int timeoutMillis, HostileRunner.Outcome o) throws IOException {
        okhttp3.RequestBody body = r.body() == null ? null
                : okhttp3.RequestBody.create(r.contentType() == null ? null : okhttp3.MediaType.parse(r.contentType()),
                        r.body());
        okhttp3.Request request = new okhttp3.Request.Builder().url(url).method(r.method(), body).build();
        okhttp3.OkHttpClient client = okhttp.newBuilder().readTimeout(timeoutMillis, TimeUnit.MILLISECONDS).build();
        try (okhttp3.Response response = client.newCall(request).execute()) {
            o.head(response.code(), response.header("Content-Type"), response.header("Content-Encoding"),
                    response.header("X-TokenGuard"));
            o.step = "body";
            o.body(response.body().bytes());
        }
    }

    private void apache4(String url, Request r, int timeoutMillis, HostileRunner.Outcome o) throws IOException {
        org.apache.http.client.methods.HttpRequestBase request;
        if (r.body() != null) {
            org.apache.http.client.methods.HttpEntityEnclosingRequestBase enclosing =
                    new org.apache.http.client.methods.HttpEntityEnclosingRequestBase() {
                        @Override
                        public String getMethod() {
                            return r.method();
                        }
                    };
            org.apache.http.entity.ByteArrayEntity entity = new org.apache.http.entity.ByteArrayEntity(r.body());
            if (r.contentType() != null) {
                entity.setContentType(r.contentType());
            }
            enclosing.setEntity(entity);
            request = enclosing;
        } else {
            request = new org.apache.http.client.methods.HttpRequestBase() {
                @Override
                public String getMethod() {
                    return r.method();
                }
            };
        }
        request.setURI(URI.create(url));
        request.setConfig(org.apache.http.client.config.RequestConfig.custom().setConnectTimeout(5_000)
                .setSocketTimeout(timeoutMillis).build());
        try (org.apache.http.client.methods.CloseableHttpResponse response = apache4.execute(request)) {
            o.head(response.getStatusLine().getStatusCode(), value(response.getFirstHeader("Content-Type")),
                    value(response.getFirstHeader("Content-Encoding")), value(response.getFirstHeader("X-TokenGuard")));
            o.step = "body";
            o.body(response.getEntity() == null ? new byte[0]
                    : org.apache.http.util.EntityUtils.toByteArray(response.getEntity()));
        }
    }

    private static String value(org.apache.http.Header h) {
        return h == null ? null : h.getValue();
    }

    private static String value(org.apache.hc.core5.http.Header h) {
        return h == null ? null : h.getValue();
    }

    private static org.apache.hc.client5.http.config.RequestConfig config5(int timeoutMillis) {
        return org.apache.hc.client5.http.config.RequestConfig.custom()
                .setResponseTimeout(timeoutMillis, TimeUnit.MILLISECONDS).build();
    }

    private void apache5(String url, Request r, int timeoutMillis, HostileRunner.Outcome o) throws IOException {
        org.apache.hc.client5.http.classic.methods.HttpUriRequestBase request =
                new org.apache.hc.client5.http.classic.methods.HttpUriRequestBase(r.method(), URI.create(url));
        if (r.body() != null) {
            request.setEntity(new org.apache.hc.core5.http.io.entity.ByteArrayEntity(r.body(),
                    r.contentType() == null ? null : org.apache.hc.core5.http.ContentType.parse(r.contentType())));
        }
        request.setConfig(config5(timeoutMillis));
        try (org.apache.hc.client5.http.impl.classic.CloseableHttpResponse response = apache5.execute(request)) {
            o.head(response.getCode(), value(response.getFirstHeader("Content-Type")),
                    value(response.getFirstHeader("Content-Encoding")), value(response.getFirstHeader("X-TokenGuard")));
            o.step = "body";
            o.body(response.getEntity() == null ? new byte[0]
                    : org.apache.hc.core5.http.io.entity.EntityUtils.toByteArray(response.getEntity()));
        }
    }

    /** The app's own consumer: it keeps the head and reads the body to its end (or to its failure). */
    private void apache5Async(String url, Request r, int timeoutMillis, HostileRunner.Outcome o) throws Exception {
        org.apache.hc.client5.http.async.methods.SimpleHttpRequest request =
                org.apache.hc.client5.http.async.methods.SimpleHttpRequest.create(r.method(), URI.create(url));
        if (r.body() != null) {
            request.setBody(r.body(), r.contentType() == null ? null
                    : org.apache.hc.core5.http.ContentType.parse(r.contentType()));
        }
        request.setConfig(config5(timeoutMillis));
        java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
        org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer<byte[]> consumer =
                new org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer<byte[]>() {
                    @Override
                    protected void start(org.apache.hc.core5.http.HttpResponse response,
                                         org.apache.hc.core5.http.ContentType contentType) {
                        synchronized (o) {
                            o.head(response.getCode(), value(response.getFirstHeader("Content-Type")),
                                    value(response.getFirstHeader("Content-Encoding")),
                                    value(response.getFirstHeader("X-TokenGuard")));
                            o.step = "body";
                        }
                    }

                    @Override
                    protected int capacityIncrement() {
                        return 65536;
                    }

                    @Override
                    protected void data(ByteBuffer src, boolean endOfStream) {
                        synchronized (read) {
                            while (src.hasRemaining()) {
                                read.write(src.get());
                            }
                        }
                    }

                    @Override
                    protected byte[] buildResult() {
                        synchronized (read) {
                            return read.toByteArray();
                        }
                    }

                    @Override
                    public void releaseResources() {
                    }
                };
        Future<byte[]> f = apache5Async.execute(
                org.apache.hc.client5.http.async.methods.SimpleRequestProducer.create(request), consumer, null);
        byte[] body = f.get(60, TimeUnit.SECONDS);
        synchronized (o) {
            o.body(body);
        }
    }

    /** Jetty's blocking send(): the ContentResponse's head, then its buffered body. */
    private void jetty(String url, Request r, int timeoutMillis, HostileRunner.Outcome o) throws Exception {
        org.eclipse.jetty.client.Request request = jetty.newRequest(url).method(r.method())
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
        if (r.body() != null) {
            request.body(new org.eclipse.jetty.client.BytesRequestContent(r.contentType(), r.body()));
        }
        org.eclipse.jetty.client.ContentResponse response = request.send();
        org.eclipse.jetty.http.HttpFields h = response.getHeaders();
        o.head(response.getStatus(), h.get("Content-Type"), h.get("Content-Encoding"), h.get("X-TokenGuard"));
        o.step = "body";
        o.body(response.getContent());
    }

    /** Reactor Netty's responseSingle(...).block(): the head, then the aggregated body. */
    private void reactorNetty(String url, Request r, int timeoutMillis, HostileRunner.Outcome o) throws Exception {
        reactor.netty.http.client.HttpClient.RequestSender sender = reactorNetty
                .responseTimeout(java.time.Duration.ofMillis(timeoutMillis))
                .headers(h -> {
                    if (r.contentType() != null) {
                        h.set("Content-Type", r.contentType());
                    }
                })
                .request(io.netty.handler.codec.http.HttpMethod.valueOf(r.method())).uri(url);
        reactor.netty.http.client.HttpClient.ResponseReceiver<?> request = r.body() == null ? sender
                : sender.send(reactor.core.publisher.Mono.fromSupplier(() -> io.netty.buffer.Unpooled.wrappedBuffer(r.body())));
        try {
            request.responseSingle((response, body) -> {
                io.netty.handler.codec.http.HttpHeaders h = response.responseHeaders();
                synchronized (o) {
                    o.head(response.status().code(), h.get("Content-Type"), h.get("Content-Encoding"),
                            h.get("X-TokenGuard"));
                    o.step = "body";
                }
                return body.asByteArray().defaultIfEmpty(new byte[0]).doOnNext(b -> {
                    synchronized (o) {
                        o.body(b);
                    }
                });
            }).block(java.time.Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            Throwable cause = reactor.core.Exceptions.unwrap(e);
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw e;
        }
    }

    /**
     * Vert.x: request(options), send, then the head and the whole body, as a future-style app reads them,
     * the chain made on Vert.x's event loop (where Vert.x requests are guarded).
     */
    private void vertx(String url, Request r, int timeoutMillis, HostileRunner.Outcome o) throws Exception {
        java.util.concurrent.CompletableFuture<byte[]> result = new java.util.concurrent.CompletableFuture<>();
        vertx.runOnContext(v -> vertxChain(url, r, timeoutMillis, o).onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result().getBytes());
            } else {
                result.completeExceptionally(ar.cause());
            }
        }));
        // Vert.x's idle timer ends with the response's head: a body that stalls is waited for as a careless
        // app waits, for the case's timeout (and a little), the same with and without the agent.
        byte[] bytes = result.get(timeoutMillis + 1500L, TimeUnit.MILLISECONDS);
        synchronized (o) {
            o.body(bytes);
        }
    }

    private io.vertx.core.Future<io.vertx.core.buffer.Buffer> vertxChain(String url, Request r, int timeoutMillis,
                                                                          HostileRunner.Outcome o) {
        io.vertx.core.http.RequestOptions options = new io.vertx.core.http.RequestOptions()
                .setMethod(io.vertx.core.http.HttpMethod.valueOf(r.method())).setAbsoluteURI(url)
                .setIdleTimeout(timeoutMillis);
        if (r.contentType() != null) {
            options.putHeader("Content-Type", r.contentType());
        }
        return vertxHttp.request(options)
                .compose(req -> r.body() == null ? req.send() : req.send(io.vertx.core.buffer.Buffer.buffer(r.body())))
                .compose(response -> {
                    synchronized (o) {
                        o.head(response.statusCode(), response.getHeader("Content-Type"),
                                response.getHeader("Content-Encoding"), response.getHeader("X-TokenGuard"));
                        o.step = "body";
                    }
                    return response.body();
                });
    }

    @Override
    public void close() throws IOException {
        vertx.close();
        reactorLoops.disposeLater().block(java.time.Duration.ofSeconds(10));
        okhttp.dispatcher().executorService().shutdown();
        okhttp.connectionPool().evictAll();
        apache4.close();
        apache5.close();
        apache5Async.close();
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
