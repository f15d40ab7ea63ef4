package io.tokenguard.agent.instrument.javahttp;

import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import java.io.IOException;
import java.net.CookieHandler;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

/**
 * What java.net.http adds to a request below TokenGuard's hook, so that only requests with the same
 * credentials on the wire share an answer (issue 10 §1-2):
 * <ul>
 *   <li>the client's {@code cookieHandler}: the cookies it returns for the URI, computed here as the
 *       JDK's CookieFilter does (every {@code Cookie} / {@code Cookie2} value its {@code get} answers,
 *       each a header line of its own) and fingerprinted as headers;</li>
 *   <li>the client's {@code authenticator}, which answers a 401/407 challenge: opaque, so its identity;</li>
 *   <li>for https, the client's {@code SSLContext}, which holds the TLS client certificate (RFC 8705):
 *       its identity. A client built without one uses {@code SSLContext.getDefault()}, one object for
 *       the whole process, so clients built per call still share answers.</li>
 * </ul>
 */
final class JavaHttpClientCredentials {
    private JavaHttpClientCredentials() {
    }

    /**
     * The request's headers plus the cookies its client's CookieHandler adds.
     *
     * @throws IOException what the handler throws; the JDK fails the request with it
     */
    static HttpHeaders headers(HttpClient client, HttpRequest request) throws IOException {
        Map<String, List<String>> userHeaders = request.headers().map();
        HttpHeaders headers = HttpHeaders.of(userHeaders);
        CookieHandler handler = client.cookieHandler().orElse(null);
        if (handler == null) {
            return headers;
        }
        Map<String, List<String>> cookies = handler.get(request.uri(), userHeaders);
        if (cookies == null || cookies.isEmpty()) {
            return headers;
        }
        HttpHeaders.Builder b = null;
        for (Map.Entry<String, List<String>> e : cookies.entrySet()) {
            String key = e.getKey();
            if (!"Cookie".equalsIgnoreCase(key) && !"Cookie2".equalsIgnoreCase(key) || e.getValue() == null) {
                continue;
            }
            for (String value : e.getValue()) {
                if (value == null) {
                    continue;
                }
                if (b == null) {
                    b = HttpHeaders.builder();
                    for (int i = 0; i < headers.size(); i++) {
                        b.add(headers.name(i), headers.value(i));
                    }
                }
                b.add(key, value);
            }
        }
        return b == null ? headers : b.build();
    }

    /** The opaque parts: the client's authenticator and, for https, its SSLContext. */
    static TokenHttpRequest withSources(HttpClient client, HttpRequest request, TokenHttpRequest tokenRequest) {
        Object authenticator = client.authenticator().orElse(null);
        Object tls = "https".equalsIgnoreCase(request.uri().getScheme()) ? client.sslContext() : null;
        return authenticator == null && tls == null ? tokenRequest
                : tokenRequest.withCredentialSources(authenticator, tls);
    }
}
