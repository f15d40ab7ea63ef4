package io.tokenguard.sample.idp;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Twitter's undocumented limit on negotiating bearers: more than N calls in a sliding window
 * locks the consumer out for a fixed time. Calls during a lockout do not extend it, matching the
 * forum report that recovery came after a consistent time.
 */
final class TwitterRateLimiter {
    private static final class State {
        final Deque<Long> calls = new ArrayDeque<>();
        long lockedUntil;
        /** A lockout that starts at this consumer's next call (tests: independent of a JVM's start-up time). */
        long pendingLockMillis;
    }

    private final Clock clock;
    private final int maxCalls;
    private final Duration window;
    private final Duration lockout;
    private final Map<String, State> states = new HashMap<>();

    TwitterRateLimiter(Clock clock, int maxCalls, Duration window, Duration lockout) {
        this.clock = clock;
        this.maxCalls = maxCalls;
        this.window = window;
        this.lockout = lockout;
    }

    /** Records a call; false means this call must be refused. */
    synchronized boolean allow(String consumerKey) {
        long now = clock.millis();
        State s = states.computeIfAbsent(consumerKey, k -> new State());
        if (s.pendingLockMillis > 0) {
            s.lockedUntil = now + s.pendingLockMillis;
            s.pendingLockMillis = 0;
        }
        if (now < s.lockedUntil) {
            return false;
        }
        while (!s.calls.isEmpty() && s.calls.peekFirst() <= now - window.toMillis()) {
            s.calls.pollFirst();
        }
        s.calls.addLast(now);
        if (s.calls.size() > maxCalls) {
            s.lockedUntil = now + lockout.toMillis();
            // A fresh start after the lockout, otherwise the next call would lock again at once.
            s.calls.clear();
            return false;
        }
        return true;
    }

    synchronized void lock(Iterable<String> consumerKeys, Duration d) {
        long until = clock.millis() + d.toMillis();
        for (String key : consumerKeys) {
            State s = states.computeIfAbsent(key, k -> new State());
            s.lockedUntil = until;
            s.calls.clear();
        }
    }

    synchronized void lockFromNextCall(Iterable<String> consumerKeys, Duration d) {
        for (String key : consumerKeys) {
            State s = states.computeIfAbsent(key, k -> new State());
            s.pendingLockMillis = d.toMillis();
            s.calls.clear();
        }
    }

    synchronized void reset() {
        states.clear();
    }
}
