package io.tokenguard.sample;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The same requests through Spring WebFlux's WebClient over Reactor Netty (ReactorClientHttpConnector),
 * as a reactive app writes them: the exchange is subscribed to and the caller waits on its future, never
 * on an event loop. Only loaded with --client reactor-netty-webclient (Spring 6.2 or 7.0, Java 17).
 */
final class WebClientCall {
    private static final ConnectionProvider POOL = ConnectionProvider.create("sample-webclient", 64);
    private static final LoopResources LOOPS = LoopResources.create("sample-webclient", 2, true);
    private static final WebClient CLIENT = WebClient.builder()
            .clientConnector(new ReactorClientHttpConnector(HttpClient.create(POOL).runOn(LOOPS)
                    .responseTimeout(Duration.ofSeconds(15))))
            .build();

    private WebClientCall() {
    }

    /** As {@link ReactorNettyCall#close}: the loops finish what they run before the app exits. */
    static void close() {
        POOL.disposeLater().then(LOOPS.disposeLater(Duration.ZERO, Duration.ofSeconds(10)))
                .block(Duration.ofSeconds(15));
    }

    static HttpCall.Response send(String method, String url, Map<String, String> headers, String body)
            throws IOException {
        WebClient.RequestBodySpec request = CLIENT.method(HttpMethod.valueOf(method)).uri(URI.create(url))
                .headers(h -> headers.forEach(h::set));
        WebClient.RequestHeadersSpec<?> ready = body == null ? request : request.bodyValue(body);
        try {
            ResponseEntity<String> e = ready.exchangeToMono(r -> r.toEntity(String.class)).toFuture()
                    .get(30, TimeUnit.SECONDS);
            List<String[]> fields = new ArrayList<>();
            e.getHeaders().forEach((name, values) -> values.forEach(v -> fields.add(new String[] {name, v})));
            return new HttpCall.Response(e.getStatusCode().value(), null, fields, e.getBody() == null ? "" : e.getBody());
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
