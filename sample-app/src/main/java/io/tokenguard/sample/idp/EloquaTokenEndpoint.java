package io.tokenguard.sample.idp;

import io.tokenguard.sample.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** {@code POST /auth/oauth2/token}, answering like login.eloqua.com after release 18D. */
final class EloquaTokenEndpoint implements Endpoint {
    static final String PROVIDER = "eloqua";
    /** Verbatim from the Eloqua notice, so clients can be tested against the real wording. */
    static final String TOO_MANY_REQUESTS = "{\"error\":\"too_many_requests\",\"error_description\":"
            + "\"This user has already authorized this app within the allowed time frame of 60 seconds.\"}";
    static final String BAD_PASSWORD = "{\"error\":\"invalid_grant\","
            + "\"error_description\":\"The user credentials were incorrect.\"}";
    static final String REUSE = "{\"error\":\"invalid_grant\","
            + "\"error_description\":\"refresh token reuse detected; token family revoked\"}";

    private final Counters counters;
    private final TokenStore tokens;
    private final InitiationLimiter limiter;
    private final Clock clock;
    private final Duration lifetime;

    EloquaTokenEndpoint(Counters counters, TokenStore tokens, InitiationLimiter limiter, Clock clock,
            Duration lifetime) {
        this.counters = counters;
        this.tokens = tokens;
        this.limiter = limiter;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    @Override
    public IdpReply handle(IdpRequest request) {
        Map<String, String> params;
        try {
            params = RequestParams.of(request);
        } catch (IllegalArgumentException e) {
            params = null;
        }
        counters.tokenCall(PROVIDER, identity(params));
        IdpReply reply = answer(request, params);
        counters.status(PROVIDER, reply.status());
        return reply;
    }

    private String identity(Map<String, String> params) {
        if (params == null) {
            return null;
        }
        if ("refresh_token".equals(params.get("grant_type"))) {
            return tokens.userOfRefreshToken(params.get("refresh_token"));
        }
        return Directory.bareUser(params.get("username"));
    }

    private IdpReply answer(IdpRequest request, Map<String, String> params) {
        if (!"POST".equals(request.method())) {
            return IdpReply.json(405, "{\"error\":\"method_not_allowed\"}").header("Allow", "POST");
        }
        BasicAuth auth = BasicAuth.parse(request.header("Authorization"));
        if (auth == null || !Directory.isClient(auth.id(), auth.secret())) {
            return IdpReply.json(401, "{\"error\":\"invalid_client\"}")
                    .header("WWW-Authenticate", "Basic realm=\"eloqua\"");
        }
        if (params == null) {
            return IdpReply.json(400, "{\"error\":\"invalid_request\"}");
        }
        String grant = params.get("grant_type");
        if ("password".equals(grant)) {
            return password(auth.id(), params);
        }
        if ("refresh_token".equals(grant)) {
            return refresh(auth.id(), params.get("refresh_token"));
        }
        return IdpReply.json(400, "{\"error\":\"unsupported_grant_type\"}");
    }

    private IdpReply password(String client, Map<String, String> params) {
        String user = Directory.bareUser(params.get("username"));
        if (user == null) {
            return IdpReply.json(400, "{\"error\":\"invalid_request\"}");
        }
        // The limit applies to initiations, so a wrong password still uses up the minute.
        long wait = limiter.tryInitiate(client, user);
        if (wait > 0) {
            return IdpReply.json(429, TOO_MANY_REQUESTS).header("Retry-After", Long.toString(wait));
        }
        if (!Directory.isUser(user, params.get("password"))) {
            return IdpReply.json(400, BAD_PASSWORD);
        }
        return success(tokens.issueFamily(PROVIDER, user, client, expiresAt()));
    }

    private IdpReply refresh(String client, String refreshToken) {
        TokenStore.Refreshed r = tokens.refresh(client, refreshToken, expiresAt());
        switch (r.result) {
            case OK:
                return success(r.pair);
            case REUSED:
                return IdpReply.json(400, REUSE);
            case REVOKED:
                return IdpReply.json(400, "{\"error\":\"invalid_grant\","
                        + "\"error_description\":\"refresh token revoked\"}");
            default:
                return IdpReply.json(400, "{\"error\":\"invalid_grant\","
                        + "\"error_description\":\"invalid refresh token\"}");
        }
    }

    private long expiresAt() {
        return clock.millis() + lifetime.toMillis();
    }

    private IdpReply success(TokenStore.Pair pair) {
        String body = "{\"access_token\":" + Json.quote(pair.accessToken)
                + ",\"token_type\":\"bearer\",\"expires_in\":" + lifetime.getSeconds()
                + ",\"refresh_token\":" + Json.quote(pair.refreshToken) + "}";
        return IdpReply.of(200, "application/json;charset=UTF-8", body)
                .header("Cache-Control", "no-store")
                .header("Pragma", "no-cache");
    }
}
