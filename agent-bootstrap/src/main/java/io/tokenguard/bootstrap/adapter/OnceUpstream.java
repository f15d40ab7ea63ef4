package io.tokenguard.bootstrap.adapter;

import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.IOException;

/**
 * Guarantees the original request is sent at most once, whoever asks: the guard, or the fail-open
 * path after the guard broke. A second call replays the first outcome, whatever it was: an answer,
 * an IOException, a RuntimeException or an Error.
 */
public final class OnceUpstream implements Upstream {
    private final Upstream upstream;
    private boolean sent;
    private TokenHttpResponse response;
    private Throwable failure;

    public OnceUpstream(Upstream upstream) {
        this.upstream = upstream;
    }

    @Override
    public synchronized TokenHttpResponse send() throws IOException {
        if (!sent) {
            sent = true;
            try {
                response = upstream.send();
            } catch (Throwable t) {
                failure = t;
            }
        }
        if (failure instanceof IOException) {
            throw (IOException) failure;
        }
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
        if (failure instanceof Error) {
            throw (Error) failure;
        }
        return response;
    }

    /** Whether the one send threw exactly this (so it is the upstream's failure, replayed, not a new one). */
    public synchronized boolean threw(Throwable t) {
        return sent && failure == t;
    }
}
