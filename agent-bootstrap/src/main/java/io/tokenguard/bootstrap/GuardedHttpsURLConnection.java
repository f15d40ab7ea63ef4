package io.tokenguard.bootstrap;

import javax.net.ssl.HttpsURLConnection;

/** STUB: to be implemented. */
abstract class GuardedHttpsURLConnection extends HttpsURLConnection implements GuardedConnection {
    private final HttpsURLConnection delegate;

    GuardedHttpsURLConnection(HttpsURLConnection delegate) {
        super(delegate.getURL());
        this.delegate = delegate;
    }
}
