package io.tokenguard.agent.guard;

import io.tokenguard.bootstrap.TokenHttpResponse;

/** The settled answer to a fingerprint, and how long identical requests may be served it (0: not at all). */
final class Outcome {
    private final TokenHttpResponse response;
    private final long ttlNanos;
    private final RemainingLifetime lifetime;

    Outcome(TokenHttpResponse response, long ttlNanos) {
        this(response, ttlNanos, null);
    }

    Outcome(TokenHttpResponse response, long ttlNanos, RemainingLifetime lifetime) {
        this.response = response;
        this.ttlNanos = ttlNanos;
        this.lifetime = lifetime;
    }

    /**
     * What observe mode remembers of an answer enforce would cache: only for how long, never the
     * answer (it holds no token); never served.
     */
    static Outcome hollow(long ttlNanos) {
        return new Outcome(null, ttlNanos);
    }

    /** The answer as served from the cache now: its expires_in says what is left. */
    TokenHttpResponse cachedAt(long nowNanos) {
        return lifetime == null ? response : lifetime.at(response, nowNanos);
    }

    /** Where its expires_in is, or null (the fleet's second level keeps it along). */
    RemainingLifetime lifetime() {
        return lifetime;
    }

    TokenHttpResponse response() {
        return response;
    }

    long ttlNanos() {
        return ttlNanos;
    }
}
