package io.tokenguard.agent.instrument.reactornetty;

import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.adapter.CallDepth;
import io.tokenguard.bootstrap.adapter.ClientExchange;
import io.tokenguard.bootstrap.hook.ClientHooks;
import java.util.function.BiFunction;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientConfig;

/**
 * Reactor Netty {@code HttpClient} adapter, defined in a child of the app's reactor-netty class loader:
 * what the five patched response methods of {@code HttpClientFinalizer} ask first ({@code response()},
 * {@code response(fn)}, {@code responseConnection(fn)}, {@code responseContent()},
 * {@code responseSingle(fn)}, told apart by the patch's tag). Every terminal operation of a request
 * (blocking with {@code block()} or reactive, Spring's WebClient over ReactorClientHttpConnector) is
 * assembled there, before any connection exists.
 *
 * <p>The gate reads the configuration's URL (a field; a {@code URI}'s cached String) and asks the
 * delegate from the String in place: nothing is allocated for a request that is no token request. A
 * token request is assembled again, unguarded, on a copy of the client with a {@link ReactorTokenHook}
 * that puts the shared pipeline handler in front of the request on the connection Reactor acquires for
 * it: the app gets Reactor's own Mono or Flux, completed by Reactor's own response objects.
 */
public final class ReactorNettyAdapter implements ClientHooks.Hook {
    private static final ClientExchange.Target<HttpClientConfig, Object> TOKEN_URL = (guard, config, unused) -> {
        String uri = config.uri();
        if (uri == null || uri.isEmpty() || uri.charAt(0) == '/') {
            // Relative: against the base URL (one String made per call), else the host and port set apart.
            String base = uri == null ? null : config.baseUrl();
            return base != null && guard.isTokenEndpoint(base + uri);
        }
        return guard.isTokenEndpoint(uri);
    };

    @Override
    public Object enter(Object self, Object a0, Object a1, Object a2, Object a3, Object a4, Object tag) {
        if (!(self instanceof HttpClient) || !(self instanceof HttpClient.ResponseReceiver) || !(tag instanceof String)) {
            return null;
        }
        HttpClient client = (HttpClient) self;
        HttpClientConfig config = client.configuration();
        GuardDelegate guard = ClientExchange.admit(HttpClientKind.REACTOR_NETTY, config, null, TOKEN_URL);
        if (guard == null) {
            return null;
        }
        return reissue(client.doOnRequest(new ReactorTokenHook(guard, config)), (String) tag, a0);
    }

    /** The same terminal operation on the guarded copy; its own patched method passes (CallDepth). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object reissue(HttpClient guarded, String tag, Object fn) {
        HttpClient.ResponseReceiver<?> receiver = (HttpClient.ResponseReceiver<?>) guarded;
        CallDepth depth = CallDepth.forClient(HttpClientKind.REACTOR_NETTY);
        depth.getAndIncrement();
        try {
            switch (tag) {
                case "response":
                    return receiver.response();
                case "responseFlux":
                    return receiver.response((BiFunction) fn);
                case "responseConnection":
                    return receiver.responseConnection((BiFunction) fn);
                case "responseContent":
                    return receiver.responseContent();
                case "responseSingle":
                    return receiver.responseSingle((BiFunction) fn);
                default:
                    return null;
            }
        } finally {
            depth.decrementAndGet();
        }
    }
}
