package io.tokenguard.sample;

import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The same requests through Reactor Netty's HttpClient as a blocking app writes them:
 * {@code request(method).uri(url).send(body).responseSingle(...).block()}. Only loaded with
 * --client reactor-netty, so the sample app needs Reactor Netty only then. One client, its event
 * loops daemon threads so the app can end.
 */
final class ReactorNettyCall {
    private static final ConnectionProvider POOL = ConnectionProvider.create("sample-reactor", 64);
    private static final LoopResources LOOPS = LoopResources.create("sample-reactor", 2, true);
    static final HttpClient CLIENT = HttpClient.create(POOL).runOn(LOOPS).responseTimeout(Duration.ofSeconds(15));

    private ReactorNettyCall() {
    }

    static HttpCall.Response send(String method, String url, Map<String, String> headers, String body)
            throws IOException {
        HttpClient.RequestSender request = CLIENT.headers(h -> headers.forEach(h::set))
                .request(HttpMethod.valueOf(method)).uri(url);
        HttpClient.ResponseReceiver<?> ready = body == null ? request : request.send(ByteBufFlux.fromString(Mono.just(body)));
        try {
            return ready.responseSingle((r, content) -> content.asString().defaultIfEmpty("").map(s -> response(r, s)))
                    .block(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            Throwable cause = Exceptions.unwrap(e);
            throw cause instanceof IOException ? (IOException) cause : new IOException(cause);
        }
    }

    /**
     * Lets the event loops finish what they run before the app exits: block() returns while the loop still
     * releases the connection (where a tracing agent ends its span), and a span that ends after the exit
     * hooks flushed is lost, as it would be for a real app that did not close its client.
     */
    static void close() {
        POOL.disposeLater().then(LOOPS.disposeLater(Duration.ZERO, Duration.ofSeconds(10)))
                .block(Duration.ofSeconds(15));
    }

    private static HttpCall.Response response(HttpClientResponse r, String body) {
        List<String[]> fields = new ArrayList<>();
        for (Map.Entry<String, String> e : r.responseHeaders()) {
            fields.add(new String[] {e.getKey(), e.getValue()});
        }
        return new HttpCall.Response(r.status().code(), r.status().reasonPhrase(), fields, body);
    }
}
