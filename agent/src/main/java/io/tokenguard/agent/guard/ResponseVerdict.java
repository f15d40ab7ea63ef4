package io.tokenguard.agent.guard;

/** What an upstream answer means for the guard. */
final class ResponseVerdict {
    enum Kind {
        /** 2xx with an access token: may be served to identical requests for {@link #ttlNanos()}. */
        CACHEABLE,
        /** The provider rate-limited this identity (429). */
        RATE_LIMITED,
        /** The provider's lockout signature for this endpoint (e.g. Twitter's 403 / code 99). */
        LOCKOUT,
        /** Anything else: passed to the app, never cached. */
        OTHER
    }

    private final Kind kind;
    private final long ttlNanos;
    private final long retryAfterNanos;
    private final int expiresInOffset;
    private final int expiresInLength;
    private final double expiresInSeconds;

    private ResponseVerdict(Kind kind, long ttlNanos, long retryAfterNanos, int expiresInOffset, int expiresInLength,
                            double expiresInSeconds) {
        this.kind = kind;
        this.ttlNanos = ttlNanos;
        this.retryAfterNanos = retryAfterNanos;
        this.expiresInOffset = expiresInOffset;
        this.expiresInLength = expiresInLength;
        this.expiresInSeconds = expiresInSeconds;
    }

    static ResponseVerdict cacheable(long ttlNanos) {
        return new ResponseVerdict(Kind.CACHEABLE, ttlNanos, 0, -1, 0, 0);
    }

    /** Cacheable, with where its expires_in digits stand (offset -1: nowhere rewritable). */
    static ResponseVerdict cacheable(long ttlNanos, int expiresInOffset, int expiresInLength, double expiresInSeconds) {
        return new ResponseVerdict(Kind.CACHEABLE, ttlNanos, 0, expiresInOffset, expiresInLength, expiresInSeconds);
    }

    static ResponseVerdict backOff(Kind kind, long retryAfterNanos) {
        return new ResponseVerdict(kind, 0, retryAfterNanos, -1, 0, 0);
    }

    static ResponseVerdict other() {
        return new ResponseVerdict(Kind.OTHER, 0, 0, -1, 0, 0);
    }

    /** How a later serve of this answer says what is left of its lifetime; null when it carries no rewritable expires_in. */
    RemainingLifetime remainingLifetime(long settledAtNanos) {
        return expiresInOffset < 0 ? null
                : new RemainingLifetime(expiresInOffset, expiresInLength, expiresInSeconds, settledAtNanos);
    }

    Kind kind() {
        return kind;
    }

    long ttlNanos() {
        return ttlNanos;
    }

    /** How long the provider asked us to back off; -1 when it did not say. */
    long retryAfterNanos() {
        return retryAfterNanos;
    }
}
