package io.tokenguard.agent.guard;

import io.tokenguard.bootstrap.TestFaults;

/** Telemetry must never break a request: every call is shielded, faults reported once via onFault. */
final class SafeListener implements GuardListener {
    private final GuardListener delegate;
    /** TestFaults stages armed by tokenguard.test.fail-stage (tests only): TELEMETRY makes every call below throw. */
    private final int testFaults;

    SafeListener(GuardListener delegate, int testFaults) {
        this.delegate = delegate == null ? GuardListener.NONE : delegate;
        this.testFaults = testFaults;
    }

    @Override
    public void onRequest(String endpoint, String grant, String httpClient, String outcome) {
        try {
            TestFaults.fire(testFaults, TestFaults.TELEMETRY);
            delegate.onRequest(endpoint, grant, httpClient, outcome);
        } catch (Throwable t) {
            fault(t);
        }
    }

    @Override
    public void onRequest(String endpoint, String grant, String httpClient, String subjectHash, String outcome) {
        try {
            TestFaults.fire(testFaults, TestFaults.TELEMETRY);
            delegate.onRequest(endpoint, grant, httpClient, subjectHash, outcome);
        } catch (Throwable t) {
            fault(t);
        }
    }

    @Override
    public void onUpstream(String endpoint, int status, long durationNanos) {
        try {
            TestFaults.fire(testFaults, TestFaults.TELEMETRY);
            delegate.onUpstream(endpoint, status, durationNanos);
        } catch (Throwable t) {
            fault(t);
        }
    }

    @Override
    public void onUpstream(String endpoint, String httpClient, int status, long durationNanos, long upstreamLastMinute) {
        try {
            TestFaults.fire(testFaults, TestFaults.TELEMETRY);
            delegate.onUpstream(endpoint, httpClient, status, durationNanos, upstreamLastMinute);
        } catch (Throwable t) {
            fault(t);
        }
    }

    @Override
    public void onViolation(Violation violation) {
        try {
            TestFaults.fire(testFaults, TestFaults.TELEMETRY);
            delegate.onViolation(violation);
        } catch (Throwable t) {
            fault(t);
        }
    }

    @Override
    public void onCooldownStart(Violation violation) {
        try {
            TestFaults.fire(testFaults, TestFaults.TELEMETRY);
            delegate.onCooldownStart(violation);
        } catch (Throwable t) {
            fault(t);
        }
    }

    @Override
    public void onThrottleDelay(String endpoint, String httpClient, long waitedNanos, boolean granted) {
        try {
            TestFaults.fire(testFaults, TestFaults.TELEMETRY);
            delegate.onThrottleDelay(endpoint, httpClient, waitedNanos, granted);
        } catch (Throwable t) {
            fault(t);
        }
    }

    @Override
    public void onTokenCache(TokenCacheStats stats) {
        try {
            TestFaults.fire(testFaults, TestFaults.TELEMETRY);
            delegate.onTokenCache(stats);
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
