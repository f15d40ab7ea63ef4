package io.tokenguard.agent.instrument.reactornetty;

import io.tokenguard.agent.instrument.ClientContractTest;
import io.tokenguard.agent.instrument.ClientDriver;
import io.tokenguard.agent.instrument.Reply;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

/**
 * Reactor Netty as a reactive app uses it (and as Spring's ReactorClientHttpConnector does):
 * {@code responseConnection((response, connection) -> ...)} subscribed to, never blocked on; the body
 * read from the connection's inbound, and every callback on Reactor's own event loop.
 */
class ReactorNettyReactiveContractTest extends ClientContractTest {
    @Override
    protected String clientName() {
        return "reactor-netty";
    }

    @Override
    protected ClientDriver driver() {
        return new ReactorNettyDriver() {
            @Override
            Reply call(HttpClient.ResponseReceiver<?> request, boolean guarded) throws Exception {
                BiFunction<HttpClientResponse, Connection, Publisher<Reply>> fn = (res, conn) -> {
                    String thread = Thread.currentThread().getName();
                    return conn.inbound().receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                            .map(body -> {
                                if (!thread.startsWith("tg-contract")) {
                                    throw new AssertionError("response callback on " + thread);
                                }
                                return reply(res, body);
                            });
                };
                Flux<Reply> flux = funnel(request, guarded, "responseConnection", fn,
                        () -> request.responseConnection(fn));
                CompletableFuture<Reply> done = new CompletableFuture<>();
                flux.next().subscribe(done::complete, e -> done.complete(Reply.failed(e)),
                        () -> done.complete(Reply.failed(new IllegalStateException("no response"))));
                return done.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            }
        };
    }
}
