package io.tokenguard.bootstrap;

import java.net.URL;

/**
 * A client-neutral token request as captured by an adapter. The body is the complete request body
 * (adapters pass requests whose body exceeds the capture limit straight through instead).
 */
public final class TokenHttpRequest {
    /** HTTP client names, the {@code client} tag of the metrics. */
    public static final String URLCONNECTION = "urlconnection";
    public static final String JDKHTTP = "jdkhttp";
    public static final String OKHTTP = "okhttp";
    public static final String APACHE4 = "apache4";
    public static final String APACHE5 = "apache5";
    public static final String UNKNOWN_CLIENT = "unknown";

    private final String method;
    private final URL url;
    private final HttpHeaders headers;
    private final byte[] body;
    private final long timeoutMillis;
    private final String httpClient;
    private final boolean interruptible;
    private final Object[] credentialSources;

    /** A request from an unnamed HTTP client (tests). */
    public TokenHttpRequest(String method, URL url, HttpHeaders headers, byte[] body, long timeoutMillis) {
        this(method, url, headers, body, timeoutMillis, UNKNOWN_CLIENT, false);
    }

    /** A request from a client that waits like a blocking JDK socket read: see {@link #interruptible()}. */
    public TokenHttpRequest(String method, URL url, HttpHeaders headers, byte[] body, long timeoutMillis,
                            String httpClient) {
        this(method, url, headers, body, timeoutMillis, httpClient, false);
    }

    /**
     * @param timeoutMillis how long this caller may wait for an answer it did not send itself
     *                      (its read timeout); 0 means the client sets no limit
     * @param httpClient    which HTTP client library sent it, one of the names above
     * @param interruptible whether the client gives up a waiting call when its thread is interrupted
     *                      (OkHttp: InterruptedIOException); see {@link #interruptible()}
     */
    public TokenHttpRequest(String method, URL url, HttpHeaders headers, byte[] body, long timeoutMillis,
                            String httpClient, boolean interruptible) {
        this(method, url, headers, body, timeoutMillis, httpClient, interruptible, NO_SOURCES);
    }

    private static final Object[] NO_SOURCES = new Object[0];

    private TokenHttpRequest(String method, URL url, HttpHeaders headers, byte[] body, long timeoutMillis,
                             String httpClient, boolean interruptible, Object[] credentialSources) {
        this.credentialSources = credentialSources;
        this.interruptible = interruptible;
        this.method = method;
        this.url = url;
        this.headers = headers == null ? HttpHeaders.EMPTY : headers;
        this.body = body == null ? new byte[0] : body;
        this.timeoutMillis = timeoutMillis;
        this.httpClient = httpClient == null ? UNKNOWN_CLIENT : httpClient;
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

    /** The HTTP client library that sent the request (urlconnection, jdkhttp, okhttp, apache4, apache5). */
    public String httpClient() {
        return httpClient;
    }

    /**
     * How a caller waiting for someone else's answer reacts to {@link Thread#interrupt()}, so it
     * reacts as its client would have without TokenGuard. True: it fails at once with an
     * InterruptedIOException. False, like a JDK socket read: on a platform thread the interrupt is
     * ignored (the wait goes on, the flag stays set); on a virtual thread it fails with
     * SocketException "Closed by interrupt".
     */
    public boolean interruptible() {
        return interruptible;
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
        return new TokenHttpRequest(method, url, headers, body, timeoutMillis, httpClient, interruptible, kept);
    }

    @Override
    public String toString() {
        // No headers values, no body: they carry credentials.
        return "TokenHttpRequest[" + method + " " + url.getProtocol() + "://" + url.getHost()
                + (url.getPort() < 0 ? "" : ":" + url.getPort()) + url.getPath() + ", " + body.length + " body bytes]";
    }
}
