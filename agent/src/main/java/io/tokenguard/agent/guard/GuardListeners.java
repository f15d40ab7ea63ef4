package io.tokenguard.agent.guard;

/** Feeds one guard's notifications to two listeners (the metrics and the report's timeline). */
public final class GuardListeners {
    private GuardListeners() {
    }

    /** Both get every call, first then second; the guard's SafeListener shields it from either. */
    public static GuardListener both(GuardListener first, GuardListener second) {
        return new GuardListener() {
            @Override
            public void onRequest(String endpoint, String grant, String client, String outcome) {
                first.onRequest(endpoint, grant, client, outcome);
                second.onRequest(endpoint, grant, client, outcome);
            }

            @Override
            public void onUpstream(String endpoint, int status, long durationNanos) {
                first.onUpstream(endpoint, status, durationNanos);
                second.onUpstream(endpoint, status, durationNanos);
            }

            @Override
            public void onViolation(Violation violation) {
                first.onViolation(violation);
                second.onViolation(violation);
            }

            @Override
            public void onFault(String stage, Throwable error) {
                first.onFault(stage, error);
                second.onFault(stage, error);
            }
        };
    }
}
