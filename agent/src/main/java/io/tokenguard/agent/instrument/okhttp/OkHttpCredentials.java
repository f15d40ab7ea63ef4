package io.tokenguard.agent.instrument.okhttp;

import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;
import okhttp3.Authenticator;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * What one OkHttpClient adds to a request below TokenGuard's interceptor, so that only requests with
 * the same credentials on the wire share an answer (issue 10 §1-2):
 * <ul>
 *   <li>the {@code CookieJar}: the cookies {@code loadForRequest(url)} returns, fingerprinted as the
 *       {@code Cookie} header OkHttp's BridgeInterceptor then sets (it replaces the app's own). Asking
 *       the jar once more is safe: OkHttp itself asks it again for every retry, redirect and
 *       authentication follow-up of one call;</li>
 *   <li>the {@code authenticator} and {@code proxyAuthenticator} (answers to a 401/407 challenge) and
 *       every network interceptor (may add anything): opaque, so their identities;</li>
 *   <li>for https, the {@code SSLSocketFactory} (the TLS client certificate, RFC 8705): its identity,
 *       unless OkHttp built it itself from the platform (no socket factory on the builder). Such a
 *       factory has no key manager of the app's (OkHttp inits its SSLContext with none: SunJSSE then
 *       presents no client certificate, other providers at most the JVM-wide default), so every
 *       platform-built factory counts as the same, and clients built per call still share answers.</li>
 * </ul>
 * OkHttp 5 lets an application interceptor change the authenticators, the cookie jar and the socket
 * factory of one call ({@code chain.withAuthenticator(...)}); there the chain's are used.
 */
final class OkHttpCredentials {
    /** OkHttp 5's per-call settings on the chain; null on 3.x and 4.x, where the client's are the call's. */
    private static final MethodHandle CHAIN_AUTHENTICATOR = chainGetter("getAuthenticator", Authenticator.class);
    private static final MethodHandle CHAIN_PROXY_AUTHENTICATOR = chainGetter("getProxyAuthenticator",
            Authenticator.class);
    private static final MethodHandle CHAIN_COOKIE_JAR = chainGetter("getCookieJar", CookieJar.class);
    private static final MethodHandle CHAIN_SSL_SOCKET_FACTORY = chainGetter("getSslSocketFactoryOrNull",
            SSLSocketFactory.class);
    /** Stands for a builder whose socket factory could not be read: then the factory counts by identity. */
    private static final Object UNKNOWN = new Object();

    private final OkHttpClient client;
    /** The client's socket factory when OkHttp built it from the platform; null when the app gave one. */
    private final SSLSocketFactory platformFactory;

    private OkHttpCredentials(OkHttpClient client, SSLSocketFactory platformFactory) {
        this.client = client;
        this.platformFactory = platformFactory;
    }

    /**
     * @param builder the builder the client was built from
     * @param parent  the credentials of the client this builder came from ({@code newBuilder()} copies
     *                its interceptors, and with them its socket factory), or null
     */
    static OkHttpCredentials of(OkHttpClient client, Object builder, OkHttpCredentials parent) {
        SSLSocketFactory own = clientFactory(client);
        Object configured = builderFactory(builder);
        boolean platform = own != null && (configured == null
                || parent != null && parent.platformFactory != null && configured == parent.platformFactory);
        return new OkHttpCredentials(client, platform ? own : null);
    }

    /**
     * The headers with the Cookie header this client's jar makes OkHttp send.
     *
     * @throws RuntimeException what the app's jar throws; OkHttp then fails the call with it
     */
    HttpHeaders withCookies(Interceptor.Chain chain, Request request, HttpHeaders headers) throws Throwable {
        CookieJar jar = CHAIN_COOKIE_JAR == null ? client.cookieJar() : (CookieJar) CHAIN_COOKIE_JAR.invokeExact(chain);
        if (jar == null || jar == CookieJar.NO_COOKIES) {
            return headers;
        }
        List<Cookie> cookies = jar.loadForRequest(request.url());
        if (cookies == null || cookies.isEmpty()) {
            return headers;
        }
        // BridgeInterceptor.cookieHeader: name=value, "; " between.
        StringBuilder header = new StringBuilder();
        for (Cookie c : cookies) {
            if (header.length() > 0) {
                header.append("; ");
            }
            header.append(c.name()).append('=').append(c.value());
        }
        return headers.with("Cookie", header.toString());
    }

    /** The request with the opaque parts of this call as credential sources. */
    TokenHttpRequest withSources(Interceptor.Chain chain, Request request, TokenHttpRequest tokenRequest)
            throws Throwable {
        Authenticator authenticator = CHAIN_AUTHENTICATOR == null ? client.authenticator()
                : (Authenticator) CHAIN_AUTHENTICATOR.invokeExact(chain);
        Authenticator proxyAuthenticator = CHAIN_PROXY_AUTHENTICATOR == null ? client.proxyAuthenticator()
                : (Authenticator) CHAIN_PROXY_AUTHENTICATOR.invokeExact(chain);
        SSLSocketFactory tls = null;
        if (request.isHttps()) {
            tls = CHAIN_SSL_SOCKET_FACTORY == null ? clientFactory(client)
                    : (SSLSocketFactory) CHAIN_SSL_SOCKET_FACTORY.invokeExact(chain);
            if (tls == platformFactory) {
                tls = null;
            }
        }
        List<Interceptor> network = client.networkInterceptors();
        boolean none = (authenticator == null || authenticator == Authenticator.NONE)
                && (proxyAuthenticator == null || proxyAuthenticator == Authenticator.NONE)
                && tls == null && network.isEmpty();
        if (none) {
            return tokenRequest;
        }
        Object[] sources = new Object[3 + network.size()];
        sources[0] = authenticator == Authenticator.NONE ? null : authenticator;
        sources[1] = proxyAuthenticator == Authenticator.NONE ? null : proxyAuthenticator;
        sources[2] = tls;
        for (int i = 0; i < network.size(); i++) {
            sources[3 + i] = network.get(i);
        }
        return tokenRequest.withCredentialSources(sources);
    }

    /** The client's socket factory; null for a cleartext-only client (4.x and 5.x then throw). */
    private static SSLSocketFactory clientFactory(OkHttpClient client) {
        try {
            return client.sslSocketFactory();
        } catch (IllegalStateException cleartextOnly) {
            return null;
        }
    }

    /** The socket factory the app put on the builder (null: none), or UNKNOWN. */
    private static Object builderFactory(Object builder) {
        if (builder == null) {
            return UNKNOWN;
        }
        try {
            Field f = BuilderField.FIELD;
            return f == null || !f.getDeclaringClass().isInstance(builder) ? UNKNOWN : f.get(builder);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    /**
     * The builder's one field of type SSLSocketFactory: {@code sslSocketFactory} in 3.x,
     * {@code sslSocketFactoryOrNull} in 4.x and 5.x; null when there is not exactly one or it cannot
     * be read (then every factory counts by identity).
     */
    private static final class BuilderField {
        static final Field FIELD = find();

        private static Field find() {
            Field found = null;
            try {
                for (Field f : OkHttpClient.Builder.class.getDeclaredFields()) {
                    if (f.getType() == SSLSocketFactory.class) {
                        if (found != null) {
                            return null;
                        }
                        found = f;
                    }
                }
                if (found != null) {
                    found.setAccessible(true);
                }
                return found;
            } catch (RuntimeException e) {
                return null;
            }
        }
    }

    private static MethodHandle chainGetter(String name, Class<?> type) {
        try {
            return MethodHandles.publicLookup().findVirtual(Interceptor.Chain.class, name, MethodType.methodType(type));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
