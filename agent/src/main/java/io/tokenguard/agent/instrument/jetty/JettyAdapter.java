package io.tokenguard.agent.instrument.jetty;

import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.adapter.ClientExchange;
import io.tokenguard.bootstrap.hook.ClientHooks;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpRequest;

/**
 * Jetty 12 HttpClient adapter, defined in a child of the app's Jetty class loader: what the patched
 * {@code HttpRequest.send(Response.CompleteListener)} asks first. That method is the funnel of every
 * send of a request: the blocking {@code send()} (through its {@code CompletableResponseListener}, or
 * 12.0.0's {@code FutureResponseListener}), {@code send(listener)}, and the helpers that take a request
 * ({@code CompletableResponseListener.send()}, {@code InputStreamResponseListener}). It returns nothing
 * and completes the listener later, so the patch is answer-first on a void method: a non-null answer
 * ({@link JettyExchange#HANDLED}) means the exchange took the call over.
 *
 * <p>The fast path reads only the request's own fields (scheme, host, port, path): no allocation for a
 * request that is not for a token endpoint.
 */
public final class JettyAdapter implements ClientHooks.Hook {
    private static final ClientExchange.Target<HttpRequest, Object> TOKEN_URL = (guard, request, unused) ->
            guard.isTokenEndpoint(request.getScheme(), request.getHost(), request.getPort(), request.getPath());

    @Override
    public Object enter(Object request, Object listener, Object a1, Object a2, Object a3, Object a4, Object a5) {
        return send(request, listener);
    }

    /** {@link JettyExchange#HANDLED} for a guarded token request, or null to let Jetty's send proceed. */
    public static Object send(Object request, Object listener) {
        if (!(request instanceof HttpRequest) || listener != null && !(listener instanceof Response.CompleteListener)) {
            return null;
        }
        GuardDelegate guard = ClientExchange.admit(HttpClientKind.JETTY, (HttpRequest) request, null, TOKEN_URL);
        if (guard == null) {
            return null;
        }
        return new JettyExchange(guard, (HttpRequest) request, (Response.CompleteListener) listener).run();
    }
}
