package io.tokenguard.agent.instrument.apache5;

import io.tokenguard.bootstrap.GuardDelegate;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.net.URIAuthority;

/**
 * Asks the catalog from the parts HttpClient 5 keeps (scheme, authority, path) rather than from
 * request.getUri(), which builds and parses a URI: on every request of the app, token or not.
 */
final class RequestTarget {
    private RequestTarget() {
    }

    /**
     * Whether the request is for a token endpoint; null when its parts are unusual (no host, an
     * IPv6 literal, a percent-encoded or non-absolute path) and only its full URI can tell.
     */
    static Boolean isTokenEndpoint(GuardDelegate guard, HttpHost target, HttpRequest request) {
        String scheme = request.getScheme();
        URIAuthority authority = request.getAuthority();
        String path = request.getPath();
        String host;
        int port;
        if (authority != null) {
            host = authority.getHostName();
            port = authority.getPort();
        } else if (target != null) {
            host = target.getHostName();
            port = target.getPort();
            if (scheme == null) {
                scheme = target.getSchemeName();
            }
        } else {
            return null;
        }
        if (scheme == null || host == null || host.indexOf(':') >= 0 || path == null || path.isEmpty()
                || path.charAt(0) != '/' || path.indexOf('%') >= 0) {
            return null;
        }
        int query = path.indexOf('?');
        return guard.isTokenEndpoint(scheme, host, port, query < 0 ? path : path.substring(0, query));
    }
}
