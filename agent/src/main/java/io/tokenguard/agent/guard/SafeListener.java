package io.tokenguard.agent.guard;

/** Telemetry must never break a request: every call is shielded, faults reported once via onFault. */
final class SafeListener implements GuardListener {
    private final GuardListener delegate;

    SafeListener(GuardListener delegate) {
        this.delegate = delegate == null ? GuardListener.NONE : delegate;
    }

    @Override
    public void onRequest(String endpoint, String grant, String client, String outcome) {
        try {
            delegate.onRequest(endpoint, grant, client, outcome);
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
    public void onViolation(Violation violation) {
        try {
            delegate.onViolation(violation);
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
