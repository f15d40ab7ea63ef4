package io.tokenguard.agent.instrument.reactornetty;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.tokenguard.agent.instrument.netty.TokenExchangeHandler;
import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import java.time.Duration;
import java.util.function.BiConsumer;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClientConfig;
import reactor.netty.http.client.HttpClientRequest;

/**
 * Runs when Reactor has prepared a guarded request on its connection (its {@code doOnRequest}, on the
 * connection's event loop, before the app's send writes anything): puts the shared
 * {@link TokenExchangeHandler} just before Reactor's bridge, for this request only (Reactor removes it
 * when the request ends). A redirect hop Reactor sends itself is below the guard, which saw the first:
 * it passes, as do HTTP/2 streams and a pipeline without the HTTP/1.1 codec. A fault: the request goes
 * as without TokenGuard.
 */
final class ReactorTokenHook implements BiConsumer<HttpClientRequest, Connection> {
    private final GuardDelegate guard;
    private final long timeoutMillis;
    private final Object[] credentialSources;

    ReactorTokenHook(GuardDelegate guard, HttpClientConfig config) {
        this.guard = guard;
        Duration timeout = config.responseTimeout();
        this.timeoutMillis = timeout == null ? 0 : Math.max(1, timeout.toMillis());
        this.credentialSources = ReactorNettyCredentials.sources(config);
    }

    @Override
    public void accept(HttpClientRequest request, Connection connection) {
        try {
            if (request.redirectedFrom().length > 0) {
                return;
            }
            Channel channel = connection.channel();
            if (channel.parent() != null || channel.pipeline().get(HttpClientCodec.class) == null
                    || channel.pipeline().get(TokenExchangeHandler.NAME) != null) {
                return;
            }
            connection.addHandlerLast(TokenExchangeHandler.NAME, new TokenExchangeHandler(HttpClientKind.REACTOR_NETTY,
                    guard, request.resourceUrl(), timeoutMillis, credentialSources));
        } catch (Throwable t) {
            Bridge.fault(HttpClientKind.REACTOR_NETTY.tag(), t);
        }
    }
}
