package io.tokenguard.agent.guard;

/**
 * The narrow interface through which the guard feeds telemetry. Implementations must be cheap and
 * must not throw; the guard shields itself anyway. Values passed are never secrets.
 *
 * <p>The guard calls the richer overloads; by default they fall back to the older, shorter ones, so
 * a listener that only knows those keeps working.
 */
public interface GuardListener {
    GuardListener NONE = new GuardListener() {
    };

    /**
     * One app request and what became of it (outcome: upstream, cache, coalesced, ..., would_cache...).
     * {@code httpClient} names the HTTP client library (urlconnection, jdkhttp, okhttp, apache4, apache5).
     */
    default void onRequest(String endpoint, String grant, String httpClient, String outcome) {
    }

    /**
     * As above, with the short salted hash of the identity the endpoint's limit counts (user or
     * client) when tokenguard.metrics.user-tag=hashed, else "-" (the hash is not computed).
     */
    default void onRequest(String endpoint, String grant, String httpClient, String subjectHash, String outcome) {
        onRequest(endpoint, grant, httpClient, outcome);
    }

    /** One call that really reached the provider. */
    default void onUpstream(String endpoint, int status, long durationNanos) {
    }

    /**
     * As above, with the HTTP client and the calls sent for this endpoint and client in the trailing
     * minute, this one included.
     */
    default void onUpstream(String endpoint, String httpClient, int status, long durationNanos, long upstreamLastMinute) {
        onUpstream(endpoint, status, durationNanos);
    }

    default void onViolation(Violation violation) {
    }

    /** The provider told an identity to back off; the guard answers it locally until the time is over. */
    default void onCooldownStart(Violation violation) {
    }

    /** A request held by on-limit=delay waited this long (granted: it then went upstream; else it was rejected). */
    default void onThrottleDelay(String endpoint, String httpClient, long waitedNanos, boolean granted) {
    }

    /** The token cache's statistics, whatever store holds it, for size and hit/miss/eviction meters. */
    default void onTokenCache(TokenCacheStats stats) {
    }

    /** An internal fault was swallowed and the request passed through (logged once per stage). */
    default void onFault(String stage, Throwable error) {
    }
}
