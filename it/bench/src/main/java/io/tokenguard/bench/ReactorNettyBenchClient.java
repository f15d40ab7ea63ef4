package io.tokenguard.bench;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.io.IOException;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/** Reactor Netty's HttpClient as an app blocks on it: the whole body aggregated, then the status. */
final class ReactorNettyBenchClient implements Client {
    private final HttpClient client = HttpClient.create();

    @Override
    public int get(String url) throws IOException {
        return status(client.get().uri(url).responseSingle((r, body) -> body.asByteArray()
                .map(b -> r.status().code()).switchIfEmpty(Mono.fromSupplier(() -> r.status().code()))).block());
    }

    @Override
    public int postForm(String url, String authorization, String form) throws IOException {
        return status(client.headers(h -> h.set("Authorization", authorization)
                        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED))
                .post().uri(url).send(ByteBufFlux.fromString(Mono.just(form)))
                .responseSingle((r, body) -> body.asByteArray().map(b -> r.status().code())
                        .switchIfEmpty(Mono.fromSupplier(() -> r.status().code()))).block());
    }

    private static int status(Integer code) throws IOException {
        if (code == null) {
            throw new IOException("no response");
        }
        return code;
    }

    @Override
    public void close() {
        // The default connection provider and loop resources are global and daemon: nothing to stop.
    }
}
