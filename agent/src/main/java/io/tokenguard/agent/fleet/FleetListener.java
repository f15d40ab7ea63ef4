package io.tokenguard.agent.fleet;

/**
 * What fleet mode tells telemetry: breaker changes, Redis round trips, lease waits and answers
 * served from the second level. Values are never secrets: an operation's name, an outcome word,
 * a duration, an exception's class name.
 */
public interface FleetListener {
    FleetListener NONE = new FleetListener() {
    };

    /** The breaker changed: true back in fleet mode, false local-only (why: the failure's class name, or "recovered"). */
    default void onFleetState(boolean fleet, String why) {
    }

    /** One Redis round trip: op (get, set, eval, ...), ok or error, its duration. */
    default void onRedisCall(String op, boolean ok, long nanos) {
    }

    /** A request of this JVM waited for another JVM's leader: outcome served, lead (the lease ended) or gave-up. */
    default void onLeaseWait(String outcome, long nanos) {
    }

    /** An answer missing in this JVM's cache was served from Redis (the second level). */
    default void onSecondLevelHit() {
    }

    /** An unexpected fault inside fleet code: counted, logged once, and the request decided locally. */
    default void onFleetFault(Throwable error) {
    }
}
