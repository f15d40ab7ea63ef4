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
    private final boolean truncated;

    public TokenHttpResponse(int status, String reason, HttpHeaders headers, byte[] body, ResponseSource source) {
        this(status, reason, headers, body, source, false);
    }

    /**
     * @param truncated the body is only the first part of the provider's answer: the rest is still
     *                  on the wire, held by the adapter for the app that asked (it was larger than
     *                  the capture limit, or did not arrive in time). Such an answer is never cached
     *                  and never handed to another request.
     */
    public TokenHttpResponse(int status, String reason, HttpHeaders headers, byte[] body, ResponseSource source,
                             boolean truncated) {
        this.truncated = truncated;
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

    /** See the constructor: true when {@link #body()} is only a prefix of the provider's answer. */
    public boolean truncated() {
        return truncated;
    }

    /**
     * The same response as served from another source. Anything not fresh from upstream carries the
     * marker header so a person can tell, while the app sees the upstream's status, headers and body.
     */
    public TokenHttpResponse servedAs(ResponseSource newSource) {
        HttpHeaders h = newSource == ResponseSource.UPSTREAM ? headers : headers.with(MARKER_HEADER, newSource.label());
        return new TokenHttpResponse(status, reason, h, body, newSource, truncated);
    }

    @Override
    public String toString() {
        return "TokenHttpResponse[" + status + ", " + body.length + " body bytes" + (truncated ? " (truncated)" : "") + ", "
                + source.label() + "]";
    }
}
