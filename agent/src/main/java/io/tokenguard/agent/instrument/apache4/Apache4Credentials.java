package io.tokenguard.agent.instrument.apache4;

import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import java.lang.reflect.Field;
import java.net.URI;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.apache.http.client.CookieStore;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.cookie.Cookie;
import org.apache.http.protocol.HttpContext;

/**
 * What HttpClient 4.5 adds to a request below TokenGuard's hook (its exec chain), so that only
 * requests with the same credentials on the wire share an answer (issue 10 §1-2):
 * <ul>
 *   <li>the client object itself, by identity: it holds the default headers and request
 *       interceptors (its protocol processor), the default CredentialsProvider and the connection
 *       manager with its SSL socket factory (the TLS client certificate). Opaque without reaching
 *       into private fields, and an app mostly keeps one client: its requests still share answers,
 *       a client built per call never shares;</li>
 *   <li>what a call's context brings to that chain, by identity: a CredentialsProvider, an AuthCache
 *       (preemptive credentials), target and proxy AuthStates, a user token, the auth scheme and
 *       cookie spec registries, a socket factory registry (another TLS client certificate);</li>
 *   <li>the cookies of the cookie store the call uses (the context's, else the client's): a store
 *       changes with every Set-Cookie, so not its identity but its content, as a Cookie header
 *       value: every cookie for the host with its value, path, secure flag and whether it has
 *       expired. A superset of what RequestAddCookies sends, so equal values mean equal cookies.</li>
 * </ul>
 */
final class Apache4Credentials {
    /** Context attributes a call's exec chain reads credentials or TLS material from. */
    private static final String[] CONTEXT_SOURCES = {HttpClientContext.CREDS_PROVIDER, HttpClientContext.AUTH_CACHE,
        HttpClientContext.TARGET_AUTH_STATE, HttpClientContext.PROXY_AUTH_STATE, HttpClientContext.USER_TOKEN,
        HttpClientContext.AUTHSCHEME_REGISTRY, HttpClientContext.COOKIESPEC_REGISTRY,
        // DefaultHttpClientConnectionOperator takes the socket factories from here before its own.
        "http.socket-factory-registry"};

    private Apache4Credentials() {
    }

    /**
     * The headers plus, as a Cookie value, the content of the cookie store this call would use; null
     * when that store cannot be read (the call then passes through unguarded).
     */
    static HttpHeaders withCookies(Object client, HttpContext context, URI uri, HttpHeaders headers) {
        Object fromContext = context == null ? null : context.getAttribute(HttpClientContext.COOKIE_STORE);
        CookieStore store;
        if (fromContext instanceof CookieStore) {
            store = (CookieStore) fromContext;
        } else if (ClientStore.FIELD.get(client.getClass()) != null) {
            store = ClientStore.of(client);
        } else {
            // MinimalHttpClient keeps no cookies; an InternalHttpClient whose store is out of reach
            // might send any: then nothing can be said about this request.
            return ClientStore.hasNone(client) ? headers : null;
        }
        if (store == null) {
            return headers;
        }
        String value = cookies(store.getCookies(), uri);
        return value == null ? headers : append(headers, "Cookie", value);
    }

    /** The request with the client and its context's credential machinery as credential sources. */
    static TokenHttpRequest withSources(Object client, HttpContext context, TokenHttpRequest request) {
        Object[] sources = new Object[1 + CONTEXT_SOURCES.length];
        sources[0] = client;
        if (context != null) {
            for (int i = 0; i < CONTEXT_SOURCES.length; i++) {
                sources[1 + i] = context.getAttribute(CONTEXT_SOURCES[i]);
            }
        }
        return request.withCredentialSources(sources);
    }

    private static String cookies(List<Cookie> cookies, URI uri) {
        if (cookies == null || cookies.isEmpty() || uri.getHost() == null) {
            return null;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        Date now = new Date();
        StringBuilder b = null;
        for (Cookie c : cookies) {
            if (c == null || !domainMatch(host, c.getDomain())) {
                continue;
            }
            b = b == null ? new StringBuilder() : b.append("; ");
            b.append(c.getName()).append('=').append(c.getValue()).append(";path=").append(c.getPath())
                    .append(c.isSecure() ? ";secure" : "").append(c.isExpired(now) ? ";expired" : "");
        }
        return b == null ? null : b.toString();
    }

    /** RFC 6265 5.1.3, leniently (a superset): the host, or a host below the cookie's domain; no domain: any. */
    static boolean domainMatch(String host, String domain) {
        if (domain == null) {
            return true;
        }
        String d = domain.toLowerCase(Locale.ROOT);
        if (d.startsWith(".")) {
            d = d.substring(1);
        }
        return host.equals(d) || host.endsWith("." + d);
    }

    static HttpHeaders append(HttpHeaders headers, String name, String value) {
        HttpHeaders.Builder b = HttpHeaders.builder();
        for (int i = 0; i < headers.size(); i++) {
            b.add(headers.name(i), headers.value(i));
        }
        return b.add(name, value).build();
    }

    /** The client's default cookie store: InternalHttpClient's private {@code cookieStore}. */
    private static final class ClientStore {
        private static final ClassValue<Field> FIELD = new ClassValue<>() {
            @Override
            protected Field computeValue(Class<?> type) {
                for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                    for (Field f : c.getDeclaredFields()) {
                        if (f.getType() == CookieStore.class) {
                            try {
                                f.setAccessible(true);
                                return f;
                            } catch (RuntimeException e) {
                                return null;
                            }
                        }
                    }
                }
                return null;
            }
        };

        /** Whether this client class is one that never sends cookies (MinimalHttpClient). */
        static boolean hasNone(Object client) {
            return client.getClass().getName().equals("org.apache.http.impl.client.MinimalHttpClient");
        }

        static CookieStore of(Object client) {
            Field f = FIELD.get(client.getClass());
            if (f == null) {
                return null;
            }
            try {
                return (CookieStore) f.get(client);
            } catch (IllegalAccessException e) {
                return null;
            }
        }
    }
}
