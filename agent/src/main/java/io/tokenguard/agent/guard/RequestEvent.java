package io.tokenguard.agent.guard;

/** One app token request and what became of it, as the guard tells its listener. Holds no secret. */
public final class RequestEvent {
    private final String endpoint;
    private final String grant;
    private final String httpClient;
    private final String subjectHash;
    private final String outcome;

    public RequestEvent(String endpoint, String grant, String httpClient, String subjectHash, String outcome) {
        this.endpoint = endpoint;
        this.grant = grant;
        this.httpClient = httpClient;
        this.subjectHash = subjectHash;
        this.outcome = outcome;
    }

    /** The endpoint rule's id. */
    public String endpoint() {
        return endpoint;
    }

    /** The grant type as tagged (none when no grant was sent). */
    public String grant() {
        return grant;
    }

    /** The HTTP client library that sent it (urlconnection, jdkhttp, okhttp, apache4, apache5). */
    public String httpClient() {
        return httpClient;
    }

    /**
     * The short salted hash of the identity the endpoint's limit counts (user or client) when
     * tokenguard.metrics.user-tag=hashed, else "-" (then the hash is not computed).
     */
    public String subjectHash() {
        return subjectHash;
    }

    /** upstream, cache, coalesced, throttled, delayed, cooldown, passthrough, error; would_* in observe mode. */
    public String outcome() {
        return outcome;
    }

    @Override
    public String toString() {
        return "RequestEvent[" + endpoint + ", " + grant + ", " + httpClient + ", " + subjectHash + ", " + outcome
                + "]";
    }
}
