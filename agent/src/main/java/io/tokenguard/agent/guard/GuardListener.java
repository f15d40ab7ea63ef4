package io.tokenguard.agent.guard;

/**
 * The narrow interface through which the guard feeds telemetry. Implementations must be cheap and
 * must not throw; the guard shields itself anyway. Values passed are never secrets.
 */
public interface GuardListener {
    GuardListener NONE = new GuardListener() {
    };

    /** One app request and what became of it (outcome: upstream, cache, coalesced, ..., would_cache...). */
    default void onRequest(String endpoint, String grant, String client, String outcome) {
    }

    /** One call that really reached the provider. */
    default void onUpstream(String endpoint, int status, long durationNanos) {
    }

    default void onViolation(Violation violation) {
    }

    /** An internal fault was swallowed and the request passed through (logged once per stage). */
    default void onFault(String stage, Throwable error) {
    }
}
