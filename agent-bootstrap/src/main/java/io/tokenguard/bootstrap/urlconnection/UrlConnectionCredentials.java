package io.tokenguard.bootstrap.urlconnection;

import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;

/**
 * What HttpURLConnection adds to a request below TokenGuard's wrapper, so that only requests with the
 * same credentials on the wire share an answer (issue 10 §1-2):
 * <ul>
 *   <li>the cookies of the JVM-wide {@link CookieHandler#getDefault() CookieHandler}: computed here as
 *       the JDK's {@code writeRequests} does (one {@code Cookie} line per returned key, values joined by
 *       "; ") and fingerprinted as headers;</li>
 *   <li>the JVM-wide {@link Authenticator#getDefault() Authenticator}, which answers a 401/407
 *       challenge: opaque, so its identity (a connection's own {@code setAuthenticator} passes through
 *       unguarded, see {@link ConnectionExchange});</li>
 *   <li>for https, the connection's {@code SSLSocketFactory}, which holds the TLS client certificate
 *       (RFC 8705 mTLS): its identity. The JVM default factory is one object for the whole process,
 *       so connections that keep it still share answers.</li>
 * </ul>
 */
final class UrlConnectionCredentials {
    private UrlConnectionCredentials() {
    }

    /**
     * The headers as they will be sent: the app's, plus the cookies the default CookieHandler adds.
     *
     * @throws IOException what the handler throws (or a RuntimeException); the JDK would fail the
     *                     request with it, so the caller passes the exchange through and lets the JDK do
     *                     exactly that
     */
    static HttpHeaders withCookies(HttpURLConnection real, HttpHeaders headers,
                                   Map<String, List<String>> requestProperties) throws IOException {
        CookieHandler handler = CookieHandler.getDefault();
        if (handler == null) {
            return headers;
        }
        URI uri;
        try {
            uri = real.getURL().toURI();
        } catch (URISyntaxException e) {
            // The JDK adds no cookies to a URL it cannot turn into a URI (ParseUtil.toURI gives null).
            return headers;
        }
        Map<String, List<String>> cookies = handler.get(uri, requestProperties);
        if (cookies == null || cookies.isEmpty()) {
            return headers;
        }
        HttpHeaders.Builder b = null;
        for (Map.Entry<String, List<String>> e : cookies.entrySet()) {
            String key = e.getKey();
            List<String> values = e.getValue();
            if (!"Cookie".equalsIgnoreCase(key) && !"Cookie2".equalsIgnoreCase(key) || values == null
                    || values.isEmpty()) {
                continue;
            }
            if (b == null) {
                b = HttpHeaders.builder();
                for (int i = 0; i < headers.size(); i++) {
                    b.add(headers.name(i), headers.value(i));
                }
            }
            b.add(key, String.join("; ", values));
        }
        return b == null ? headers : b.build();
    }

    /** The opaque parts: the default Authenticator and, for https, the connection's socket factory. */
    static TokenHttpRequest withSources(HttpURLConnection real, TokenHttpRequest request) {
        Authenticator authenticator = Authenticator.getDefault();
        Object tls = real instanceof HttpsURLConnection ? ((HttpsURLConnection) real).getSSLSocketFactory() : null;
        return authenticator == null && tls == null ? request : request.withCredentialSources(authenticator, tls);
    }
}
