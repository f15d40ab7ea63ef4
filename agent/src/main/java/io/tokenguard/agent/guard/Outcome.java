package io.tokenguard.agent.guard;

import io.tokenguard.bootstrap.TokenHttpResponse;

/**
 * The settled answer to a fingerprint, and how long identical requests may be served it (0: not at
 * all); or the failure of the request, handed to the followers that were waiting for it.
 */
final class Outcome {
    private final TokenHttpResponse response;
    private final long ttlNanos;
    private final Throwable failure;

    Outcome(TokenHttpResponse response, long ttlNanos) {
        this(response, ttlNanos, null);
    }

    private Outcome(TokenHttpResponse response, long ttlNanos, Throwable failure) {
        this.response = response;
        this.ttlNanos = ttlNanos;
        this.failure = failure;
    }

    /**
     * A failed request as a value, never as a failed future in the cache: Caffeine logs every
     * exceptionally completed entry at WARNING, with its stack trace, into the host app's log.
     */
    static Outcome failed(Throwable failure) {
        return new Outcome(null, 0, failure);
    }

    /** Null unless the request failed (then there is no response). */
    Throwable failure() {
        return failure;
    }

    TokenHttpResponse response() {
        return response;
    }

    long ttlNanos() {
        return ttlNanos;
    }
}
