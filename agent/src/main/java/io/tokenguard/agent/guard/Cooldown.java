package io.tokenguard.agent.guard;

import io.tokenguard.bootstrap.TokenHttpResponse;

/** A provider's "back off" in force: what it said, with which answer, until when (on the guard's clock). */
final class Cooldown {
    private final String kind;
    private final TokenHttpResponse providerAnswer;
    private final long untilNanos;

    Cooldown(String kind, TokenHttpResponse providerAnswer, long untilNanos) {
        this.kind = kind;
        this.providerAnswer = providerAnswer;
        this.untilNanos = untilNanos;
    }

    /** The violation kind that started it (upstream_rate_limited or upstream_lockout). */
    String kind() {
        return kind;
    }

    TokenHttpResponse providerAnswer() {
        return providerAnswer;
    }

    long remainingNanos(long now) {
        return untilNanos - now;
    }
}
