package io.tokenguard.sample.idp;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Eloqua 18D: one authorization-flow initiation per window per (app, user). The window runs
 * from the last admitted initiation; rejected attempts do not extend it, so a caller that
 * waits out Retry-After always gets through.
 */
final class InitiationLimiter {
    private final Clock clock;
    private final Duration window;
    private final Map<String, Long> lastAdmitted = new HashMap<>();

    InitiationLimiter(Clock clock, Duration window) {
        this.clock = clock;
        this.window = window;
    }

    /** Returns 0 if admitted (and records it), otherwise the whole seconds to wait, at least 1. */
    synchronized long tryInitiate(String client, String user) {
        String key = client + '\u0000' + user;
        long now = clock.millis();
        Long last = lastAdmitted.get(key);
        if (last != null) {
            long left = last + window.toMillis() - now;
            if (left > 0) {
                return Math.max(1, (left + 999) / 1000);
            }
        }
        lastAdmitted.put(key, now);
        return 0;
    }

    synchronized void reset() {
        lastAdmitted.clear();
    }
}
