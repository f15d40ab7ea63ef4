package io.tokenguard.bootstrap;

/**
 * The HTTP client libraries TokenGuard guards, one name each, used everywhere: the {@code client} tag
 * of the metrics, the events and the exit summary, the fault stage of the client's adapter and hook,
 * and the sample app's {@code --client} option (its variants add a suffix: {@code okhttp-async}).
 * The tags are what dashboards read: never rename one.
 */
public enum HttpClientKind {
    /** {@code java.net.HttpURLConnection} / {@code HttpsURLConnection}. */
    URLCONNECTION("urlconnection", false),
    /** {@code java.net.http.HttpClient}. */
    JDKHTTP("jdkhttp", false),
    /** OkHttp 3, 4 and 5; an interrupted waiting call fails with InterruptedIOException, as OkHttp's own. */
    OKHTTP("okhttp", true),
    /** Apache HttpClient 4.5. */
    APACHE4("apache4", false),
    /** Apache HttpClient 5, classic and async. */
    APACHE5("apache5", false),
    /** Eclipse Jetty 12 HttpClient, blocking {@code send()} and {@code send(listener)} alike. */
    JETTY("jetty", false),
    /** Reactor Netty {@code HttpClient} (and what runs over it: Spring's WebClient with ReactorClientHttpConnector). */
    REACTOR_NETTY("reactor-netty", false),
    /** Eclipse Vert.x {@code HttpClient} 4.5 and 5.0 (and what runs over it: its WebClient, Quarkus's OIDC client). */
    VERTX("vertx", false);

    private final String tag;
    private final boolean interruptible;

    HttpClientKind(String tag, boolean interruptible) {
        this.tag = tag;
        this.interruptible = interruptible;
    }

    /** The one name: metric tag, fault stage, sample-app option. */
    public String tag() {
        return tag;
    }

    /**
     * How a caller of this client waiting for someone else's answer reacts to {@link Thread#interrupt()},
     * so it reacts as its client would have without TokenGuard. True: it fails at once with an
     * InterruptedIOException (OkHttp). False, like a blocking JDK socket read: on a platform thread the
     * interrupt is ignored (the wait goes on, the flag stays set); on a virtual thread it fails with
     * SocketException "Closed by interrupt".
     */
    public boolean interruptible() {
        return interruptible;
    }

    /** The kind with this tag, or null. */
    public static HttpClientKind forTag(String tag) {
        for (HttpClientKind k : values()) {
            if (k.tag.equals(tag)) {
                return k;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return tag;
    }
}
