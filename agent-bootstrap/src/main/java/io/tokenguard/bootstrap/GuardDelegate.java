package io.tokenguard.bootstrap;

import java.io.IOException;

/** What the agent plugs into the {@link Bridge}. Implemented in the agent jar, called from adapters. */
public interface GuardDelegate {

    /**
     * Whether requests to this URL are guarded. Called on every matching client call: it must not
     * allocate and must be cheap for the common "no" answer.
     */
    boolean isTokenEndpoint(String scheme, String host, int port, String path);

    /** Largest request body an adapter buffers; larger requests pass through unguarded. */
    int captureMaxBytes();

    /**
     * Decides and answers one token request. Throws only what {@code upstream} threw (or an
     * {@link java.io.InterruptedIOException} / timeout for a waiting caller); any internal fault
     * must be handled inside by calling {@code upstream}.
     */
    TokenHttpResponse exchange(TokenHttpRequest request, Upstream upstream) throws IOException;

    /** Count and log (once per stage) a fault caught outside the guard, in an adapter. */
    void fault(String stage, Throwable error);
}
