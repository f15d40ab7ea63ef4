package io.tokenguard.bootstrap;

import java.net.HttpURLConnection;

/** STUB: to be implemented. */
abstract class GuardedHttpURLConnection extends HttpURLConnection implements GuardedConnection {
    private final HttpURLConnection delegate;

    GuardedHttpURLConnection(HttpURLConnection delegate) {
        super(delegate.getURL());
        this.delegate = delegate;
    }
}
