package io.tokenguard.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Vert.x 4.5's HttpClient as a verticle or Quarkus uses it: the request made on the event loop
 * ({@code request(options).compose(send).compose(body)}), the benchmark thread waiting for the status.
 */
final class VertxBenchClient implements Client {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final HttpClient client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(64));

    @Override
    public int get(String url) throws IOException {
        return call(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url), null);
    }

    @Override
    public int postForm(String url, String authorization, String form) throws IOException {
        return call(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                .putHeader("Authorization", authorization)
                .putHeader("Content-Type", "application/x-www-form-urlencoded"), form);
    }

    private int call(RequestOptions options, String body) throws IOException {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        vertx.runOnContext(v -> client.request(options)
                .compose(r -> body == null ? r.send() : r.send(Buffer.buffer(body)))
                .compose(VertxBenchClient::statusAfterBody)
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        status.complete(ar.result());
                    } else {
                        status.completeExceptionally(ar.cause());
                    }
                }));
        try {
            return status.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(e);
        }
    }

    private static Future<Integer> statusAfterBody(HttpClientResponse r) {
        return r.body().map(b -> r.statusCode());
    }

    @Override
    public void close() throws IOException {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(e);
        }
    }
}
