package io.tokenguard.agent.instrument.vertx;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;

/** A guarded Vert.x request's absolute URL and its client-side wait, from its RequestOptions and the client's defaults. */
final class VertxUrl {
    private VertxUrl() {
    }

    static String of(RequestOptions request, HttpClientOptions options) {
        Boolean ssl = request.isSsl();
        boolean secure = ssl != null ? ssl : options.isSsl();
        String host = request.getHost() != null ? request.getHost() : options.getDefaultHost();
        Integer port = request.getPort();
        int p = port != null ? port : options.getDefaultPort();
        StringBuilder url = new StringBuilder(secure ? "https://" : "http://");
        if (host.indexOf(':') >= 0 && host.charAt(0) != '[') {
            url.append('[').append(host).append(']');
        } else {
            url.append(host);
        }
        return url.append(':').append(p).append(request.getURI()).toString();
    }

    /**
     * How long Vert.x waits for the response: the request's idle timeout, else its timeout (0: no limit).
     * Vert.x's own timer ends a waiting request (it resets the stream and closes the connection), as it
     * would end the bare client's.
     */
    static long timeoutMillis(RequestOptions request) {
        long idle = request.getIdleTimeout();
        long timeout = idle > 0 ? idle : request.getTimeout();
        return timeout > 0 ? timeout : 0;
    }
}
