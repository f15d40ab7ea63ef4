package io.tokenguard.bootstrap;

/** A complete, client-neutral HTTP response: what an adapter turns into its client's own response type. */
public final class TokenHttpResponse {
    /** The header TokenGuard adds to every answer it did not get from the provider for this request. */
    public static final String MARKER_HEADER = "X-TokenGuard";

    private final int status;
    private final String reason;
    private final HttpHeaders headers;
    private final byte[] body;
    private final ResponseSource source;

    public TokenHttpResponse(int status, String reason, HttpHeaders headers, byte[] body, ResponseSource source) {
        this.status = status;
        this.reason = reason;
        this.headers = headers == null ? HttpHeaders.EMPTY : headers;
        this.body = body == null ? new byte[0] : body;
        this.source = source;
    }

    public int status() {
        return status;
    }

    /** The reason phrase, possibly null (HTTP/2 has none). */
    public String reason() {
        return reason;
    }

    public HttpHeaders headers() {
        return headers;
    }

    /** The body bytes; never null, not to be modified. */
    public byte[] body() {
        return body;
    }

    public ResponseSource source() {
        return source;
    }

    /**
     * The same response as served from another source. Anything not fresh from upstream carries the
     * marker header so a person can tell, while the app sees the upstream's status, headers and body.
     */
    public TokenHttpResponse servedAs(ResponseSource newSource) {
        HttpHeaders h = newSource == ResponseSource.UPSTREAM ? headers : headers.with(MARKER_HEADER, newSource.label());
        return new TokenHttpResponse(status, reason, h, body, newSource);
    }

    @Override
    public String toString() {
        return "TokenHttpResponse[" + status + ", " + body.length + " body bytes, " + source.label() + "]";
    }
}
