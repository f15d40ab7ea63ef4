package io.tokenguard.agent.instrument.vertx;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.tokenguard.agent.instrument.netty.TokenExchangeHandler;
import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.function.Function;

/**
 * Runs when Vert.x has a guarded request on its connection, before the app's callbacks (so before it
 * can write anything): puts the shared {@link TokenExchangeHandler} just before Vert.x's own
 * {@code "handler"} (after the codec and the decompressor), for this request. Vert.x gives an HTTP/1.1
 * connection its next request only after the last response ended, so a handler a past request left is
 * done: it is replaced. A pipeline without the HTTP/1.1 codec passes; a fault: the request goes as
 * without TokenGuard, and the app's future is untouched.
 */
final class VertxTokenHook implements Function<HttpClientRequest, HttpClientRequest> {
    /** Vert.x's name for its connection's handler in the pipeline (4.5 and 5.0). */
    private static final String VERTX_HANDLER = "handler";

    private final GuardDelegate guard;
    private final String url;
    private final long timeoutMillis;
    private final long bodyWaitMillis;
    private final Object[] credentialSources;

    /**
     * @param timeoutMillis     how long the guard lets a waiting request wait (0: no limit)
     * @param bodyWaitMillis    how long after its head the call's own response may be held (0: the guard's bound)
     */
    VertxTokenHook(GuardDelegate guard, String url, long timeoutMillis, long bodyWaitMillis,
                   Object[] credentialSources) {
        this.bodyWaitMillis = bodyWaitMillis;
        this.guard = guard;
        this.url = url;
        this.timeoutMillis = timeoutMillis;
        this.credentialSources = credentialSources;
    }

    @Override
    public HttpClientRequest apply(HttpClientRequest request) {
        try {
            HttpConnection connection = request.connection();
            if (!(connection instanceof ConnectionBase)) {
                return request;
            }
            Channel channel = ((ConnectionBase) connection).channel();
            ChannelPipeline pipeline = channel.pipeline();
            if (channel.parent() != null || pipeline.get(HttpClientCodec.class) == null
                    || pipeline.get(VERTX_HANDLER) == null) {
                return request;
            }
            if (pipeline.get(TokenExchangeHandler.NAME) != null) {
                pipeline.remove(TokenExchangeHandler.NAME);
            }
            pipeline.addBefore(VERTX_HANDLER, TokenExchangeHandler.NAME, new TokenExchangeHandler(HttpClientKind.VERTX,
                    guard, url, timeoutMillis, bodyWaitMillis, credentialSources));
        } catch (Throwable t) {
            Bridge.fault(HttpClientKind.VERTX.tag(), t);
        }
        return request;
    }
}
