package io.tokenguard.agent.guard;

/** One breach of a token endpoint's limits, as reported to telemetry. Carries no secret. */
public final class Violation {
    public static final String LOCAL_LIMIT = "local_limit";
    public static final String UPSTREAM_RATE_LIMITED = "upstream_rate_limited";
    public static final String UPSTREAM_LOCKOUT = "upstream_lockout";
    /** More upstream calls per minute than the load-test guardrail allows (tokenguard.guardrail.*). */
    public static final String GUARDRAIL_BREACH = "guardrail_breach";

    public static final String OBSERVED = "observed";
    public static final String DELAYED = "delayed";
    public static final String REJECTED = "rejected";
    public static final String COOLDOWN = "cooldown";

    private final String endpoint;
    private final String client;
    private final String userHash;
    private final String grant;
    private final String kind;
    private final String action;
    private final long retryAfterSeconds;
    private final String limit;
    private final String httpClient;
    private final long upstreamLastMinute;
    private final String subjectHash;
    private final String callSite;

    public Violation(String endpoint, String client, String userHash, String grant, String kind, String action,
                     long retryAfterSeconds, String limit) {
        this(endpoint, client, userHash, grant, kind, action, retryAfterSeconds, limit, "unknown", -1, userHash);
    }

    public Violation(String endpoint, String client, String userHash, String grant, String kind, String action,
                     long retryAfterSeconds, String limit, String httpClient, long upstreamLastMinute,
                     String subjectHash) {
        this(endpoint, client, userHash, grant, kind, action, retryAfterSeconds, limit, httpClient, upstreamLastMinute,
                subjectHash, CallSites.UNKNOWN);
    }

    public Violation(String endpoint, String client, String userHash, String grant, String kind, String action,
                     long retryAfterSeconds, String limit, String httpClient, long upstreamLastMinute,
                     String subjectHash, String callSite) {
        this.endpoint = endpoint;
        this.client = client;
        this.userHash = userHash;
        this.grant = grant;
        this.kind = kind;
        this.action = action;
        this.retryAfterSeconds = retryAfterSeconds;
        this.limit = limit;
        this.httpClient = httpClient;
        this.upstreamLastMinute = upstreamLastMinute;
        this.subjectHash = subjectHash;
        this.callSite = callSite;
    }

    /** Where in the app the request was made ({@link CallSites}): class.method:line, or "unknown". */
    public String callSite() {
        return callSite;
    }

    /** Short salted hash of whom the limit counts: the user, or the client with limit-per=client (metrics). */
    public String subjectHash() {
        return subjectHash;
    }

    /** The HTTP client library that sent the request (the {@code client} tag of the metrics). */
    public String httpClient() {
        return httpClient;
    }

    /** Calls that reached the provider for this endpoint and HTTP client in the trailing minute; -1 unknown. */
    public long upstreamLastMinute() {
        return upstreamLastMinute;
    }

    public String endpoint() {
        return endpoint;
    }

    /** The client id (public by OAuth's definition), or "-". */
    public String client() {
        return client;
    }

    /** Short salted hash of the user, never the name. */
    public String userHash() {
        return userHash;
    }

    public String grant() {
        return grant;
    }

    public String kind() {
        return kind;
    }

    public String action() {
        return action;
    }

    /** Seconds until the identity may call again; -1 when unknown. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The local limit (e.g. 1/60s), for a guardrail breach the guardrail's (e.g. 600/60s), or "none". */
    public String limit() {
        return limit;
    }
}
