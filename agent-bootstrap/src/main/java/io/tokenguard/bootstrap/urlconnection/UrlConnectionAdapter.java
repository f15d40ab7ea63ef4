package io.tokenguard.bootstrap.urlconnection;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.hook.ClientHooks;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLConnection;
import javax.net.ssl.HttpsURLConnection;

/**
 * The HttpURLConnection adapter's entry: what {@code URL.openConnection} hands back. JDK types only,
 * so it lives in the bootstrap jar with the wrappers it creates.
 */
public final class UrlConnectionAdapter implements ClientHooks.Hook {
    /** The hook of {@code URL.openConnection}: replaces the connection it returns (replace on exit). */
    public static final ClientHooks.Hook HOOK = new UrlConnectionAdapter();

    private UrlConnectionAdapter() {
    }

    @Override
    public Object exit(Object url, Object connection, Object unused) {
        return url instanceof URL && connection instanceof URLConnection ? wrap((URL) url, (URLConnection) connection)
                : connection;
    }

    /**
     * Swaps the JDK's connection for a guarding wrapper when the URL is a token endpoint; anything else
     * gets the JDK's own object back untouched.
     */
    public static URLConnection wrap(URL url, URLConnection connection) {
        if (!(connection instanceof HttpURLConnection) || connection instanceof GuardedConnection
                || !Bridge.isTokenEndpoint(url)) {
            return connection;
        }
        try {
            if (connection instanceof HttpsURLConnection) {
                return new GuardedHttpsURLConnection((HttpsURLConnection) connection);
            }
            return new GuardedHttpURLConnection((HttpURLConnection) connection);
        } catch (Throwable t) {
            Bridge.fault(HttpClientKind.URLCONNECTION.tag(), t);
            return connection;
        }
    }
}
