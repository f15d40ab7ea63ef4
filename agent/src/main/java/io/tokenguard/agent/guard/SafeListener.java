package io.tokenguard.agent.guard;

import com.github.benmanes.caffeine.cache.AsyncCache;

/** Telemetry must never break a request: every call is shielded, faults reported once via onFault. */
final class SafeListener implements GuardListener {
    private final GuardListener delegate;

    SafeListener(GuardListener delegate) {
        this.delegate = delegate == null ? GuardListener.NONE : delegate;
    }

    @Override
    public void onRequest(String endpoint, String grant, String httpClient, String outcome) {
        try {
            delegate.onRequest(endpoint, grant, httpClient, outcome);
        } catch (Throwable t) {
            fault(t);
        }
    }

    @Override
    public void onRequest(String endpoint, String grant, String httpClient, String subjectHash, String outcome) {
        try {
            delegate.onRequest(endpoint, grant, httpClient, subjectHash, outcome);
        } catch (Throwable t) {
            fault(t);
        }
    }

    @Override
    public void onUpstream(String endpoint, int status, long durationNanos) {
        try {
            delegate.onUpstream(endpoint, status, durationNanos);
        } catch (Throwable t) {
            fault(t);
        }
    }

    @Override
    public void onUpstream(String endpoint, String httpClient, int status, long durationNanos, long upstreamLastMinute) {
        try {
            delegate.onUpstream(endpoint, httpClient, status, durationNanos, upstreamLastMinute);
        } catch (Throwable t) {
            fault(t);
        }
    }

    @Override
    public void onViolation(Violation violation) {
        try {
            delegate.onViolation(violation);
        } catch (Throwable t) {
            fault(t);
        }
    }

    @Override
    public void onCooldownStart(Violation violation) {
        try {
            delegate.onCooldownStart(violation);
        } catch (Throwable t) {
            fault(t);
        }
    }

    @Override
    public void onThrottleDelay(String endpoint, String httpClient, long waitedNanos, boolean granted) {
        try {
            delegate.onThrottleDelay(endpoint, httpClient, waitedNanos, granted);
        } catch (Throwable t) {
            fault(t);
        }
    }

    @Override
    public void onTokenCache(AsyncCache<?, ?> cache) {
        try {
            delegate.onTokenCache(cache);
        } catch (Throwable t) {
            fault(t);
        }
    }

    @Override
    public void onFault(String stage, Throwable error) {
        try {
            delegate.onFault(stage, error);
        } catch (Throwable ignored) {
            // Nothing left to tell.
        }
    }

    private void fault(Throwable t) {
        onFault("telemetry", t);
    }
}
