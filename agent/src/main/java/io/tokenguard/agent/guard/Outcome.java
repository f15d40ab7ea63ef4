package io.tokenguard.agent.guard;

import io.tokenguard.bootstrap.TokenHttpResponse;

/** The settled answer to a fingerprint, and how long identical requests may be served it (0: not at all). */
final class Outcome {
    private final TokenHttpResponse response;
    private final long ttlNanos;

    Outcome(TokenHttpResponse response, long ttlNanos) {
        this.response = response;
        this.ttlNanos = ttlNanos;
    }

    TokenHttpResponse response() {
        return response;
    }

    long ttlNanos() {
        return ttlNanos;
    }
}
