package io.tokenguard.sample;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The same requests through Vert.x (4.5 or 5.0) as a future-style app writes them, made on Vert.x's event
 * loop (as a verticle or Quarkus makes them), the worker thread waiting for the result: the raw HttpClient
 * ({@code request(options).compose(r -> r.send(body)).compose(HttpClientResponse::body)}), or the WebClient
 * ({@code requestAbs(method, url).sendBuffer(body)}). Only loaded with --client vertx or vertx-webclient.
 * One Vert.x, its event loops daemon threads so the app can end.
 */
final class VertxCall {
    private static final Vertx VERTX = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    private static final int IDLE_TIMEOUT_MILLIS = 15_000;
    /**
     * Connections per server; {@code -Dsample.vertx.poolSize=1} makes every request wait for the one
     * connection, handed over from within the response before it (where a tracing agent's context shows).
     */
    private static final int POOL_SIZE = Integer.getInteger("sample.vertx.poolSize", 64);
    private static final HttpClient HTTP = httpClient();
    /** Over the same pooled client (WebClientOptions' pool size is gone in 5.0). */
    private static final WebClient WEB = WebClient.wrap(HTTP);

    private VertxCall() {
    }

    /**
     * {@code createHttpClient} returns HttpClient in 4.5 and HttpClientAgent in 5.0 (another method to the
     * JVM): looked up by name so one sample app runs on both.
     */
    private static HttpClient httpClient() {
        try {
            return (HttpClient) Vertx.class.getMethod("createHttpClient", HttpClientOptions.class, PoolOptions.class)
                    .invoke(VERTX, new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(POOL_SIZE));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** On Vert.x's event loop, as a verticle or Quarkus makes the call; the worker thread waits for the result. */
    static HttpCall.Response send(boolean webClient, String method, String url, Map<String, String> headers,
                                  String body) throws IOException {
        CompletableFuture<HttpCall.Response> result = new CompletableFuture<>();
        VERTX.runOnContext(v -> (webClient ? web(method, url, headers, body) : raw(method, url, headers, body))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        result.complete(ar.result());
                    } else {
                        result.completeExceptionally(ar.cause());
                    }
                }));
        return await(result);
    }

    private static Future<HttpCall.Response> raw(String method, String url, Map<String, String> headers, String body) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(method)).setAbsoluteURI(url)
                .setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        headers.forEach(options::putHeader);
        return HTTP.request(options).compose(r -> body == null ? r.send() : r.send(Buffer.buffer(body)))
                .compose(r -> r.body().map(b -> response(r.statusCode(), r.statusMessage(), r.headers(), b)));
    }

    private static Future<HttpCall.Response> web(String method, String url, Map<String, String> headers, String body) {
        io.vertx.ext.web.client.HttpRequest<Buffer> request = WEB.requestAbs(HttpMethod.valueOf(method), url)
                .idleTimeout(IDLE_TIMEOUT_MILLIS);
        headers.forEach(request::putHeader);
        return (body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)))
                .map(r -> response(r.statusCode(), r.statusMessage(), r.headers(), r.body()));
    }

    private static HttpCall.Response response(int status, String reason, MultiMap headers, Buffer body) {
        List<String[]> fields = new ArrayList<>();
        for (Map.Entry<String, String> e : headers) {
            fields.add(new String[] {e.getKey(), e.getValue()});
        }
        return new HttpCall.Response(status, reason, fields, body == null ? "" : body.toString());
    }

    private static HttpCall.Response await(CompletableFuture<HttpCall.Response> f) throws IOException {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IOException(e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException ? (IOException) e.getCause() : new IOException(e.getCause());
        }
    }
}
