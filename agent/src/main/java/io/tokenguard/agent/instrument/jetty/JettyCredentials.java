package io.tokenguard.agent.instrument.jetty;

import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.List;
import org.eclipse.jetty.client.AbstractAuthentication;
import org.eclipse.jetty.client.AuthenticationStore;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.client.transport.HttpRequest;

/**
 * What Jetty's HttpClient adds to a request below the hook, when it normalizes it on the connection:
 * <ul>
 *   <li>the cookies of its {@code HttpCookieStore} that match the URI, and the request's own
 *       {@code cookie(...)}s, as the one {@code Cookie} header Jetty then sends;</li>
 *   <li>for https, the client's {@code SslContextFactory.Client} (the TLS client certificate): by identity.</li>
 * </ul>
 * and what it may add that the guard cannot read: the {@code AuthenticationStore}'s preemptive
 * {@code Authentication.Result} for the URI (Authorization on the wire, opaque), or its answer to a 401
 * challenge from an {@code Authentication} that matches the URI (which user it answers as can change
 * while the store stays the same object). A request the store may authenticate passes untouched
 * ({@link #mayAuthenticate}).
 */
final class JettyCredentials {
    /** HttpRequest's protected getHttpClient(): the client is not otherwise public on the request. */
    private static final MethodHandle HTTP_CLIENT = httpClientGetter();
    private static final String JETTY_STORE_NAME = "org.eclipse.jetty.client.internal.HttpAuthenticationStore";
    /** Jetty's own AuthenticationStore (the default), or null if it is not there. */
    private static final Class<?> JETTY_STORE = jettyStore();
    /** Its private list of Authentications, as (AuthenticationStore) List, or null if not reachable. */
    private static final MethodHandle AUTHENTICATIONS = authentications();
    /** Whether an Authentication's class matches as AbstractAuthentication does (type, realm, then URI). */
    private static final ClassValue<Boolean> MATCHES_BY_URI = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("matches", String.class, URI.class, String.class).getDeclaringClass()
                        == AbstractAuthentication.class;
            } catch (NoSuchMethodException | RuntimeException e) {
                return false;
            }
        }
    };

    private JettyCredentials() {
    }

    static HttpClient client(HttpRequest request) throws Throwable {
        return (HttpClient) HTTP_CLIENT.invokeExact(request);
    }

    /** The headers with the Cookie header Jetty will send (the store's matches, then the request's own). */
    static HttpHeaders withCookies(HttpClient client, HttpRequest request, URI uri, HttpHeaders headers) {
        StringBuilder cookies = new StringBuilder();
        HttpCookieStore store = client.getHttpCookieStore();
        if (store != null) {
            append(cookies, store.match(uri));
        }
        append(cookies, request.getCookies());
        String own = headers.first("Cookie");
        if (cookies.length() == 0) {
            return headers;
        }
        return headers.with("Cookie", own == null ? cookies.toString() : own + "; " + cookies);
    }

    /** The request with the opaque credential machinery of its client as sources. */
    static TokenHttpRequest withSources(HttpClient client, URI uri, TokenHttpRequest request) {
        Object tls = "https".equalsIgnoreCase(uri.getScheme()) ? client.getSslContextFactory() : null;
        return tls == null ? request : request.withCredentialSources(tls);
    }

    /**
     * Whether the client's AuthenticationStore may authenticate a request for this URI: it holds a
     * preemptive result for it, or an Authentication that may match it (one of Jetty's own, by its URI;
     * any other, or a store that is not Jetty's own, is taken to match). Which realm a challenge will
     * name is not known before it comes, so any realm counts.
     */
    static boolean mayAuthenticate(HttpClient client, URI uri) throws Throwable {
        AuthenticationStore store = client.getAuthenticationStore();
        if (store == null) {
            return false;
        }
        if (store.findAuthenticationResult(uri) != null) {
            return true;
        }
        if (AUTHENTICATIONS == null || store.getClass() != JETTY_STORE) {
            return true;
        }
        for (Object a : (List<?>) AUTHENTICATIONS.invokeExact(store)) {
            if (!(a instanceof AbstractAuthentication) || !MATCHES_BY_URI.get(a.getClass())) {
                return true;
            }
            URI scope = ((AbstractAuthentication) a).getURI();
            if (scope == null || AbstractAuthentication.matchesURI(scope, uri)) {
                return true;
            }
        }
        return false;
    }

    private static void append(StringBuilder header, List<HttpCookie> cookies) {
        if (cookies == null) {
            return;
        }
        for (HttpCookie c : cookies) {
            if (header.length() > 0) {
                header.append("; ");
            }
            header.append(c.getName()).append('=').append(c.getValue());
        }
    }

    private static Class<?> jettyStore() {
        try {
            return Class.forName(JETTY_STORE_NAME, false, AuthenticationStore.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return null;
        }
    }

    private static MethodHandle authentications() {
        try {
            if (JETTY_STORE == null) {
                return null;
            }
            Field f = JETTY_STORE.getDeclaredField("authentications");
            if (!List.class.isAssignableFrom(f.getType())) {
                return null;
            }
            f.setAccessible(true);
            return MethodHandles.lookup().unreflectGetter(f)
                    .asType(MethodType.methodType(List.class, AuthenticationStore.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static MethodHandle httpClientGetter() {
        try {
            Method getter = HttpRequest.class.getDeclaredMethod("getHttpClient");
            getter.setAccessible(true);
            return MethodHandles.lookup().unreflect(getter)
                    .asType(MethodType.methodType(HttpClient.class, HttpRequest.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Jetty's HttpRequest.getHttpClient is not reachable", e);
        }
    }
}
