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

    private ResponseVerdict(Kind kind, long ttlNanos, long retryAfterNanos) {
        this.kind = kind;
        this.ttlNanos = ttlNanos;
        this.retryAfterNanos = retryAfterNanos;
    }

    static ResponseVerdict cacheable(long ttlNanos) {
        return new ResponseVerdict(Kind.CACHEABLE, ttlNanos, 0);
    }

    static ResponseVerdict backOff(Kind kind, long retryAfterNanos) {
        return new ResponseVerdict(kind, 0, retryAfterNanos);
    }

    static ResponseVerdict other() {
        return new ResponseVerdict(Kind.OTHER, 0, 0);
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
