package io.tokenguard.bootstrap;

import java.net.URL;

/**
 * A client-neutral token request as captured by an adapter. The body is the complete request body
 * (adapters pass requests whose body exceeds the capture limit straight through instead).
 */
public final class TokenHttpRequest {
    private final String method;
    private final URL url;
    private final HttpHeaders headers;
    private final byte[] body;
    private final long timeoutMillis;

    /**
     * @param timeoutMillis how long this caller may wait for an answer it did not send itself
     *                      (its read timeout); 0 means the client sets no limit
     */
    public TokenHttpRequest(String method, URL url, HttpHeaders headers, byte[] body, long timeoutMillis) {
        this.method = method;
        this.url = url;
        this.headers = headers == null ? HttpHeaders.EMPTY : headers;
        this.body = body == null ? new byte[0] : body;
        this.timeoutMillis = timeoutMillis;
    }

    public String method() {
        return method;
    }

    public URL url() {
        return url;
    }

    public HttpHeaders headers() {
        return headers;
    }

    /** The body bytes; never null, not to be modified. */
    public byte[] body() {
        return body;
    }

    public long timeoutMillis() {
        return timeoutMillis;
    }

    @Override
    public String toString() {
        // No headers values, no body: they carry credentials.
        return "TokenHttpRequest[" + method + " " + url.getProtocol() + "://" + url.getHost()
                + (url.getPort() < 0 ? "" : ":" + url.getPort()) + url.getPath() + ", " + body.length + " body bytes]";
    }
}
