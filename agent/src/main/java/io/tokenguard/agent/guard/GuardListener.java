package io.tokenguard.agent.guard;

/**
 * The narrow interface through which the guard feeds telemetry: one event object per
 * notification. Implementations must be cheap and must not throw; the guard shields itself anyway
 * ({@link SafeListener}). Values passed are never secrets.
 */
public interface GuardListener {
    GuardListener NONE = new GuardListener() {
    };

    /** One app request and what became of it. */
    default void onRequest(RequestEvent request) {
    }

    /** One call that really reached the provider. */
    default void onUpstream(UpstreamEvent call) {
    }

    default void onViolation(Violation violation) {
    }

    /** The provider told an identity to back off; the guard answers it locally until the time is over. */
    default void onCooldownStart(Violation violation) {
    }

    /** A request held by on-limit=delay waited this long (granted: it then went upstream; else it was rejected). */
    default void onThrottleDelay(ThrottleDelayEvent delay) {
    }

    /** The token cache's statistics, whatever store holds it, for size and hit/miss/eviction meters. */
    default void onTokenCache(TokenCacheStats stats) {
    }

    /** An internal fault was swallowed and the request passed through (logged once per stage). */
    default void onFault(String stage, Throwable error) {
    }
}
