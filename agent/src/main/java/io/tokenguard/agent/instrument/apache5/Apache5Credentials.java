package io.tokenguard.agent.instrument.apache5;

import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import java.lang.reflect.Field;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hc.client5.http.cookie.Cookie;
import org.apache.hc.client5.http.cookie.CookieStore;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * What HttpClient 5 (classic and async) adds to a request below TokenGuard's hook (its exec chain),
 * so that only requests with the same credentials on the wire share an answer (issue 10 §1-2):
 * <ul>
 *   <li>the client object itself, by identity: it holds the default headers and request
 *       interceptors, the default CredentialsProvider and the connection manager with its TLS
 *       strategy (the TLS client certificate). An app mostly keeps one client: its requests still
 *       share answers, a client built per call never shares;</li>
 *   <li>what a call's context brings to that chain, by identity: a CredentialsProvider, an AuthCache
 *       (preemptive credentials), the auth exchanges, a user token, the auth scheme and cookie spec
 *       registries. An {@code HttpClientContext} keeps them in typed fields (5.4 on), any other
 *       context as attributes: both are read;</li>
 *   <li>the cookies of the cookie store the call uses (the context's, else the client's): a store
 *       changes with every Set-Cookie, so not its identity but its content, as a Cookie header
 *       value: every cookie for the host with its value, path, secure flag and whether it has
 *       expired. A superset of what RequestAddCookies sends, so equal values mean equal cookies.</li>
 * </ul>
 */
final class Apache5Credentials {
    private static final String[] CONTEXT_ATTRIBUTES = {HttpClientContext.CREDS_PROVIDER,
        HttpClientContext.AUTH_CACHE, HttpClientContext.AUTH_EXCHANGE_MAP, HttpClientContext.USER_TOKEN,
        HttpClientContext.AUTHSCHEME_REGISTRY, HttpClientContext.COOKIESPEC_REGISTRY};

    private Apache5Credentials() {
    }

    /**
     * The headers plus, as a Cookie value, the content of the cookie store this call would use; null
     * when that store cannot be read (the call then passes through unguarded).
     */
    static HttpHeaders withCookies(Object client, HttpContext context, URI uri, HttpHeaders headers) {
        CookieStore store = null;
        if (context instanceof HttpClientContext) {
            store = ((HttpClientContext) context).getCookieStore();
        }
        if (store == null && context != null) {
            Object attribute = context.getAttribute(HttpClientContext.COOKIE_STORE);
            store = attribute instanceof CookieStore ? (CookieStore) attribute : null;
        }
        if (store == null) {
            Field f = ClientStore.FIELD.get(client.getClass());
            if (f == null) {
                // The minimal clients keep no cookies; an internal client whose store is out of reach
                // might send any: then nothing can be said about this request.
                return ClientStore.hasNone(client) ? headers : null;
            }
            store = ClientStore.of(client, f);
            if (store == null) {
                return headers;
            }
        }
        String value = cookies(store.getCookies(), uri);
        if (value == null) {
            return headers;
        }
        HttpHeaders.Builder b = HttpHeaders.builder();
        for (int i = 0; i < headers.size(); i++) {
            b.add(headers.name(i), headers.value(i));
        }
        return b.add("Cookie", value).build();
    }

    /** The request with the client and its context's credential machinery as credential sources. */
    static TokenHttpRequest withSources(Object client, HttpContext context, TokenHttpRequest request) {
        Object[] sources = new Object[1 + 6 + CONTEXT_ATTRIBUTES.length];
        sources[0] = client;
        if (context instanceof HttpClientContext) {
            HttpClientContext c = (HttpClientContext) context;
            sources[1] = c.getCredentialsProvider();
            sources[2] = c.getAuthCache();
            // The state of earlier challenges, once there is any: a fresh context's map is empty (the
            // getter creates it, as the exec chain does first thing) and holds no credential.
            Map<?, ?> exchanges = c.getAuthExchanges();
            sources[3] = exchanges == null || exchanges.isEmpty() ? null : exchanges;
            sources[4] = c.getUserToken();
            sources[5] = c.getAuthSchemeRegistry();
            sources[6] = c.getCookieSpecRegistry();
        }
        if (context != null) {
            for (int i = 0; i < CONTEXT_ATTRIBUTES.length; i++) {
                Object attribute = context.getAttribute(CONTEXT_ATTRIBUTES[i]);
                sources[7 + i] = attribute instanceof Map && ((Map<?, ?>) attribute).isEmpty() ? null : attribute;
            }
        }
        return request.withCredentialSources(sources);
    }

    private static String cookies(List<Cookie> cookies, URI uri) {
        if (cookies == null || cookies.isEmpty() || uri.getHost() == null) {
            return null;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        Instant now = Instant.now();
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
    private static boolean domainMatch(String host, String domain) {
        if (domain == null) {
            return true;
        }
        String d = domain.toLowerCase(Locale.ROOT);
        if (d.startsWith(".")) {
            d = d.substring(1);
        }
        return host.equals(d) || host.endsWith("." + d);
    }

    /** The client's default cookie store: the private {@code cookieStore} of the internal clients. */
    private static final class ClientStore {
        static final ClassValue<Field> FIELD = new ClassValue<>() {
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

        /** Whether this client class is one that never sends cookies (the minimal clients). */
        static boolean hasNone(Object client) {
            for (Class<?> c = client.getClass(); c != null; c = c.getSuperclass()) {
                String name = c.getName();
                if (name.equals("org.apache.hc.client5.http.impl.classic.MinimalHttpClient")
                        || name.equals("org.apache.hc.client5.http.impl.async.AbstractMinimalHttpAsyncClientBase")) {
                    return true;
                }
            }
            return false;
        }

        static CookieStore of(Object client, Field f) {
            try {
                return (CookieStore) f.get(client);
            } catch (IllegalAccessException e) {
                return null;
            }
        }
    }
}
