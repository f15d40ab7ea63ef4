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
    public void onRequest(RequestEvent request) {
        try {
            TestFaults.fire(testFaults, TestFaults.TELEMETRY);
            delegate.onRequest(request);
        } catch (Throwable t) {
            fault(t);
        }
    }

    @Override
    public void onUpstream(UpstreamEvent call) {
        try {
            TestFaults.fire(testFaults, TestFaults.TELEMETRY);
            delegate.onUpstream(call);
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
    public void onThrottleDelay(ThrottleDelayEvent delay) {
        try {
            TestFaults.fire(testFaults, TestFaults.TELEMETRY);
            delegate.onThrottleDelay(delay);
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
