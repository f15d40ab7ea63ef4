package io.tokenguard.agent.instrument.vertx;

import io.tokenguard.agent.instrument.ClientDriver;
import io.tokenguard.agent.instrument.Reply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.impl.HttpClientImpl;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x for the contract suite: one raw HttpClient on two event loops; each request goes through the
 * adapter as the patched {@code HttpClientImpl.request(RequestOptions)} calls it (a null answer: Vert.x's
 * own method goes on), or straight to Vert.x (bare), then {@code send(Buffer)} and {@code body()} as a
 * future-style app writes them, the caller waiting on the future's completion stage.
 */
class VertxDriver implements ClientDriver {
    static final long BOUND_SECONDS = 30;
    final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    final HttpClient http;
    final VertxAdapter adapter = new VertxAdapter();

    VertxDriver() {
        this(new HttpClientOptions());
    }

    /**
     * Room for the suite's eight requests in flight at once: a guarded request waits on its connection
     * (Vert.x's default pool of 5 would queue the rest before they reach the guard).
     */
    VertxDriver(HttpClientOptions options) {
        this(options, new PoolOptions().setHttp1MaxSize(16));
    }

    VertxDriver(HttpClientOptions options, PoolOptions pool) {
        http = vertx.createHttpClient(options, pool);
    }

    /** The funnel as patched: the adapter's answer, else Vert.x's own method. */
    @SuppressWarnings("unchecked")
    Future<HttpClientRequest> request(RequestOptions options, boolean guarded) {
        Object answer = guarded ? adapter.enter(impl(), options, null, null, null, null, null) : null;
        return answer != null ? (Future<HttpClientRequest>) answer : http.request(options);
    }

    HttpClientImpl impl() {
        return (HttpClientImpl) http;
    }

    static RequestOptions post(URL url, int timeoutMillis) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url.toString())
                .putHeader("Content-Type", "application/x-www-form-urlencoded");
        return timeoutMillis > 0 ? o.setIdleTimeout(timeoutMillis) : o;
    }

    @Override
    public Reply post(URL url, String form, int timeoutMillis, boolean guarded) throws Exception {
        return onVertx(() -> request(post(url, timeoutMillis), guarded).compose(r -> r.send(Buffer.buffer(form)))
                .compose(VertxDriver::read));
    }

    @Override
    public Reply get(URL url, boolean guarded) throws Exception {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url.toString())
                .setIdleTimeout(10_000);
        return onVertx(() -> request(o, guarded).compose(HttpClientRequest::send).compose(VertxDriver::read));
    }

    /** The app's chain, made on Vert.x's event loop as a verticle makes it (the only place requests are guarded). */
    Reply onVertx(java.util.function.Supplier<Future<Reply>> chain) throws Exception {
        java.util.concurrent.CompletableFuture<Reply> result = new java.util.concurrent.CompletableFuture<>();
        vertx.runOnContext(v -> {
            try {
                chain.get().onComplete(ar -> result.complete(ar.succeeded() ? ar.result() : Reply.failed(ar.cause())));
            } catch (RuntimeException e) {
                result.complete(Reply.failed(e));
            }
        });
        return result.get(BOUND_SECONDS, TimeUnit.SECONDS);
    }

    static Future<Reply> read(HttpClientResponse res) {
        return res.body().map(b -> reply(res, b.toString()));
    }

    static Reply reply(HttpClientResponse res, String body) {
        List<String> headers = new ArrayList<>();
        for (Map.Entry<String, String> e : res.headers()) {
            headers.add(e.getKey());
            headers.add(e.getValue());
        }
        return Reply.of(res.statusCode(), headers, body, res);
    }

    static Reply await(Future<Reply> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return Reply.failed(e.getCause());
        }
    }

    @Override
    public Class<?> responseType() {
        return HttpClientResponse.class;
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(BOUND_SECONDS, TimeUnit.SECONDS);
    }
}
