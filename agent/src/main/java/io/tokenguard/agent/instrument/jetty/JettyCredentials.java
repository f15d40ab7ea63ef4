package io.tokenguard.agent.instrument.jetty;

import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.List;
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
 *   <li>a preemptive {@code Authentication.Result} the {@code AuthenticationStore} holds for the URI
 *       (it sets Authorization on the wire), and the store itself, which may answer a 401 challenge:
 *       opaque, so by identity (requests of one HttpClient share answers, of two clients not);</li>
 *   <li>for https, the client's {@code SslContextFactory.Client} (the TLS client certificate): by identity.</li>
 * </ul>
 */
final class JettyCredentials {
    /** HttpRequest's protected getHttpClient(): the client is not otherwise public on the request. */
    private static final MethodHandle HTTP_CLIENT = httpClientGetter();

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
        AuthenticationStore auth = client.getAuthenticationStore();
        Object preemptive = auth == null ? null : auth.findAuthenticationResult(uri);
        // Which challenges the store can answer cannot be listed (realms are matched as challenges come):
        // the store counts by identity, so only requests of one client share an answer.
        Object challenges = auth;
        Object tls = "https".equalsIgnoreCase(uri.getScheme()) ? client.getSslContextFactory() : null;
        if (preemptive == null && challenges == null && tls == null) {
            return request;
        }
        return request.withCredentialSources(preemptive, challenges, tls);
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
