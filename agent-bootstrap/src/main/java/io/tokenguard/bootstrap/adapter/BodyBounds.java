package io.tokenguard.bootstrap.adapter;

import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.body.BodyPrefix;

/**
 * How much of an upstream answer's body an adapter reads before the app gets the status: at most the
 * capture limit, for at most the body wait after the headers arrived, never longer than the client's
 * own read timeout. What is not read by then streams to the app (a truncated answer).
 */
public final class BodyBounds {
    private final int limit;
    private final long waitMillis;

    public BodyBounds(int limit, long waitMillis) {
        this.limit = limit;
        this.waitMillis = waitMillis;
    }

    /** The delegate's limit and body wait, bounded by the client's read timeout ({@code <= 0}: none). */
    static BodyBounds of(GuardDelegate guard, long readTimeoutMillis) {
        return new BodyBounds(Math.max(0, guard.captureMaxBytes()),
                BodyPrefix.waitMillis(guard.bodyWaitMillis(), readTimeoutMillis));
    }

    public int limit() {
        return limit;
    }

    public long waitMillis() {
        return waitMillis;
    }
}
