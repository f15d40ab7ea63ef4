package io.tokenguard.agent.instrument.vertx;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * What Vert.x adds to a request below the hook that is not in the request on the wire, by identity:
 * the client's TLS key and certificate ({@code KeyCertOptions}: a client certificate is a credential),
 * in 5.x a request's own {@code ClientSSLOptions}, and the proxy options (a SOCKS proxy's or an
 * HTTPS CONNECT's credentials go on the tunnel, not on the request). Cookies (WebClientSession), Basic
 * auth and an HTTP proxy's Proxy-Authorization are headers the shared handler reads as written.
 */
final class VertxCredentials {
    /** 5.x {@code HttpConnectOptions.getSslOptions()}; 4.5's RequestOptions has none (null here). */
    private static final MethodHandle REQUEST_SSL = requestSsl();

    private VertxCredentials() {
    }

    /** Never guesses: a source it cannot read is a fault (the request then goes as without TokenGuard). */
    static Object[] sources(RequestOptions request, HttpClientOptions options) {
        Object keyCert = options.getKeyCertOptions();
        Object proxy = request.getProxyOptions() != null ? request.getProxyOptions() : options.getProxyOptions();
        Object requestSsl;
        try {
            requestSsl = REQUEST_SSL == null ? null : (Object) REQUEST_SSL.invoke(request);
        } catch (Throwable t) {
            throw new IllegalStateException("RequestOptions.getSslOptions", t);
        }
        if (keyCert == null && proxy == null && requestSsl == null) {
            return new Object[0];
        }
        return new Object[] {keyCert, proxy, requestSsl};
    }

    private static MethodHandle requestSsl() {
        try {
            java.lang.reflect.Method m = RequestOptions.class.getMethod("getSslOptions");
            return MethodHandles.publicLookup().unreflect(m).asType(MethodType.methodType(Object.class, RequestOptions.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
