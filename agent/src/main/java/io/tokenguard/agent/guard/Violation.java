package io.tokenguard.agent.guard;

/** One breach of a token endpoint's limits, as reported to telemetry. Carries no secret. */
public final class Violation {
    public static final String LOCAL_LIMIT = "local_limit";
    public static final String UPSTREAM_RATE_LIMITED = "upstream_rate_limited";
    public static final String UPSTREAM_LOCKOUT = "upstream_lockout";

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

    public Violation(String endpoint, String client, String userHash, String grant, String kind, String action,
                     long retryAfterSeconds, String limit) {
        this.endpoint = endpoint;
        this.client = client;
        this.userHash = userHash;
        this.grant = grant;
        this.kind = kind;
        this.action = action;
        this.retryAfterSeconds = retryAfterSeconds;
        this.limit = limit;
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

    /** The local limit (e.g. 1/60s) or "none". */
    public String limit() {
        return limit;
    }
}
