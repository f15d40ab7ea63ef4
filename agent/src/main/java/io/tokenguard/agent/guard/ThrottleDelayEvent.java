package io.tokenguard.agent.guard;

/** A request held by on-limit=delay, and how its wait ended, as the guard tells its listener. */
public final class ThrottleDelayEvent {
    private final String endpoint;
    private final String httpClient;
    private final long waitedNanos;
    private final boolean granted;

    public ThrottleDelayEvent(String endpoint, String httpClient, long waitedNanos, boolean granted) {
        this.endpoint = endpoint;
        this.httpClient = httpClient;
        this.waitedNanos = waitedNanos;
        this.granted = granted;
    }

    public String endpoint() {
        return endpoint;
    }

    public String httpClient() {
        return httpClient;
    }

    public long waitedNanos() {
        return waitedNanos;
    }

    /** Whether it then went upstream; else it was rejected. */
    public boolean granted() {
        return granted;
    }

    @Override
    public String toString() {
        return "ThrottleDelayEvent[" + endpoint + ", " + httpClient + ", " + waitedNanos + " ns, "
                + (granted ? "granted" : "rejected") + "]";
    }
}
