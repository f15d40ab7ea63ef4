package io.tokenguard.agent.guard;

import java.util.concurrent.CancellationException;

/**
 * A leader's failure (its upstream call failed) as the token cache holds it until the entry is
 * dropped; followers unwrap the cause and fail like it. A CancellationException because that is
 * what Caffeine drops silently: any other failed entry it logs as a WARNING with a stack trace,
 * through the app's own logging, once per failed token request.
 */
final class LeaderFailed extends CancellationException {
    private static final long serialVersionUID = 1L;

    LeaderFailed(Throwable cause) {
        super("the leading request failed");
        initCause(cause);
    }

    /** What a follower must see: the leader's own failure. */
    static Throwable unwrap(Throwable t) {
        return t instanceof LeaderFailed && t.getCause() != null ? t.getCause() : t;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
