package io.tokenguard.agent.fleet;

/**
 * Redis was not asked (the breaker is open, or no pooled connection came in time) or did not answer
 * well: the caller decides locally. Carries no message of Redis' (it can echo a key) and no stack.
 */
public final class FleetUnavailable extends Exception {
    private static final long serialVersionUID = 1L;
    static final FleetUnavailable LOCAL_ONLY = new FleetUnavailable("local-only");
    static final FleetUnavailable FAILED = new FleetUnavailable("redis call failed");
    static final FleetUnavailable BUSY = new FleetUnavailable("no pooled connection within fleet.timeout");

    private FleetUnavailable(String why) {
        super(why, null, false, false);
    }
}
