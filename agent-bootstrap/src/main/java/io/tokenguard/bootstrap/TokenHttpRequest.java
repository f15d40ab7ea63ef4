package io.tokenguard.bootstrap;

import java.net.URL;

/**
 * A client-neutral token request as captured by an adapter. The body is the complete request body
 * (adapters pass requests whose body exceeds the capture limit straight through instead).
 */
public final class TokenHttpRequest {
    private static final Object[] NO_SOURCES = new Object[0];

    private final HttpClientKind client;
    private final String method;
    private final URL url;
    private final HttpHeaders headers;
    private final byte[] body;
    private final long timeoutMillis;
    private final Object[] credentialSources;

    /**
     * @param client        which HTTP client library sends it: its metric tag, and how a waiting caller
     *                      reacts to an interrupt ({@link HttpClientKind#interruptible()})
     * @param timeoutMillis how long this caller may wait for an answer it did not send itself
     *                      (its read timeout); 0 means the client sets no limit
     */
    public TokenHttpRequest(HttpClientKind client, String method, URL url, HttpHeaders headers, byte[] body,
                            long timeoutMillis) {
        this(client, method, url, headers, body, timeoutMillis, NO_SOURCES);
    }

    private TokenHttpRequest(HttpClientKind client, String method, URL url, HttpHeaders headers, byte[] body,
                             long timeoutMillis, Object[] credentialSources) {
        if (client == null) {
            throw new IllegalArgumentException("a token request names its HTTP client");
        }
        this.client = client;
        this.credentialSources = credentialSources;
        this.method = method;
        this.url = url;
        this.headers = headers == null ? HttpHeaders.EMPTY : headers;
        this.body = body == null ? new byte[0] : body;
        this.timeoutMillis = timeoutMillis;
    }

    /** The HTTP client library that sent the request. */
    public HttpClientKind client() {
        return client;
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

    /** The client's metric tag (urlconnection, jdkhttp, okhttp, apache4, apache5): {@link HttpClientKind#tag()}. */
    public String httpClient() {
        return client.tag();
    }

    /** See {@link HttpClientKind#interruptible()}. */
    public boolean interruptible() {
        return client.interruptible();
    }

    /**
     * The objects below TokenGuard's hook that can add credentials on the wire which the adapter
     * cannot read as headers: an authenticator answering a challenge, a cookie store, an
     * interceptor, the TLS key material (socket factory, SSLContext, key manager), or the client
     * object itself. Two requests share an answer only if these are the very same objects (compared
     * by identity, never by equals). Empty when the request carries everything it sends.
     */
    public Object[] credentialSources() {
        return credentialSources;
    }

    /** This request with these credential sources (nulls are skipped: a part the client does not have). */
    public TokenHttpRequest withCredentialSources(Object... sources) {
        int n = 0;
        for (Object o : sources) {
            if (o != null) {
                n++;
            }
        }
        Object[] kept = new Object[n];
        int i = 0;
        for (Object o : sources) {
            if (o != null) {
                kept[i++] = o;
            }
        }
        return new TokenHttpRequest(client, method, url, headers, body, timeoutMillis, kept);
    }

    @Override
    public String toString() {
        // No headers values, no body: they carry credentials.
        return "TokenHttpRequest[" + client + " " + method + " " + url.getProtocol() + "://" + url.getHost()
                + (url.getPort() < 0 ? "" : ":" + url.getPort()) + url.getPath() + ", " + body.length + " body bytes]";
    }
}
