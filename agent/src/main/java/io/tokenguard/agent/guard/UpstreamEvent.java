package io.tokenguard.agent.guard;

/** One call that really reached the provider, as the guard tells its listener. */
public final class UpstreamEvent {
    private final String endpoint;
    private final String httpClient;
    private final int status;
    private final long durationNanos;
    private final long upstreamLastMinute;

    public UpstreamEvent(String endpoint, String httpClient, int status, long durationNanos, long upstreamLastMinute) {
        this.endpoint = endpoint;
        this.httpClient = httpClient;
        this.status = status;
        this.durationNanos = durationNanos;
        this.upstreamLastMinute = upstreamLastMinute;
    }

    public String endpoint() {
        return endpoint;
    }

    public String httpClient() {
        return httpClient;
    }

    public int status() {
        return status;
    }

    public long durationNanos() {
        return durationNanos;
    }

    /** Calls sent for this endpoint and client in the trailing minute, this one included (-1: not counted). */
    public long upstreamLastMinute() {
        return upstreamLastMinute;
    }

    @Override
    public String toString() {
        return "UpstreamEvent[" + endpoint + ", " + httpClient + ", " + status + ", " + durationNanos + " ns, "
                + upstreamLastMinute + "/min]";
    }
}
