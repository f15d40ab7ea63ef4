package io.tokenguard.agent.guard;

import io.tokenguard.agent.catalog.EndpointRule;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The load-test guardrail: upstream calls per endpoint and HTTP client over the trailing minute,
 * against the rule's max-upstream-per-minute (else the global one). Every call that is sent is
 * counted, with or without a maximum, so events can say how busy the minute was.
 */
final class UpstreamGuardrail {
    private final GuardClock clock;
    private final int globalMax;
    // Keys are (endpoint id, HTTP client name): a handful of rules times five clients, bounded.
    private final ConcurrentMap<String, MinuteWindow> windows = new ConcurrentHashMap<>();

    UpstreamGuardrail(GuardClock clock, int globalMax) {
        this.clock = clock;
        this.globalMax = globalMax;
    }

    /** The maximum in force for a rule, 0 for none. */
    int maxFor(EndpointRule rule) {
        return rule.maxUpstreamPerMinute() > 0 ? rule.maxUpstreamPerMinute() : globalMax;
    }

    /**
     * One call about to be sent. With {@code mayReject} a call over the maximum is not counted
     * (it will not be sent); without, it is counted and only marked as a breach.
     */
    Pass pass(EndpointRule rule, String httpClient, boolean mayReject) {
        MinuteWindow w = window(rule.id(), httpClient);
        long now = clock.nanoTime();
        int max = maxFor(rule);
        if (max <= 0) {
            return new Pass(false, w.add(now), 0);
        }
        if (mayReject) {
            long after = w.addIfBelow(now, max);
            return after >= 0 ? new Pass(false, after, 0) : new Pass(true, w.count(now), w.nanosUntilOldestLeaves(now));
        }
        long after = w.add(now);
        return new Pass(after > max, after, 0);
    }

    /** Calls sent for this endpoint and client in the trailing minute. */
    long count(String endpoint, String httpClient) {
        MinuteWindow w = windows.get(endpoint + '\u0000' + httpClient);
        return w == null ? 0 : w.count(clock.nanoTime());
    }

    private MinuteWindow window(String endpoint, String httpClient) {
        return windows.computeIfAbsent(endpoint + '\u0000' + httpClient, k -> new MinuteWindow());
    }

    static final class Pass {
        private final boolean breached;
        private final long inWindow;
        private final long retryAfterNanos;

        Pass(boolean breached, long inWindow, long retryAfterNanos) {
            this.breached = breached;
            this.inWindow = inWindow;
            this.retryAfterNanos = retryAfterNanos;
        }

        boolean breached() {
            return breached;
        }

        /** Upstream calls in the trailing minute, this one included when it is sent. */
        long inWindow() {
            return inWindow;
        }

        /** For a rejected call: until the window has room again. */
        long retryAfterNanos() {
            return retryAfterNanos;
        }
    }
}
