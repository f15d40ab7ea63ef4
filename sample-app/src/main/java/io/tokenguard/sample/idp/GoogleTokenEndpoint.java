package io.tokenguard.sample.idp;

import io.tokenguard.sample.json.Json;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * {@code POST /token}, answering like oauth2.googleapis.com for a service account's jwt-bearer grant:
 * the assertion's RS256 signature must verify under the account's own key (its iss), its exp within an
 * hour of its iat; each account has a quota of calls per window, past which it answers
 * {@code 429 rate_limit_exceeded}. Errors as Google words them.
 */
final class GoogleTokenEndpoint implements Endpoint {
    static final String PROVIDER = "google";
    static final String PATH = "/token";
    static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    static final String BAD_SIGNATURE = "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}";
    static final String RATE_LIMITED = "{\"error\":\"rate_limit_exceeded\",\"error_description\":\"Rate Limit Exceeded\"}";
    private static final Duration LIFETIME = Duration.ofSeconds(3599);

    private final Counters counters;
    private final TokenStore tokens;
    private final ServiceAccounts accounts;
    private final TwitterRateLimiter quota;
    private final Clock clock;

    GoogleTokenEndpoint(Counters counters, TokenStore tokens, ServiceAccounts accounts, TwitterRateLimiter quota,
                        Clock clock) {
        this.counters = counters;
        this.tokens = tokens;
        this.accounts = accounts;
        this.quota = quota;
        this.clock = clock;
    }

    @Override
    public IdpReply handle(IdpRequest request) {
        Map<String, String> params = RequestParams.form(request.bodyText());
        CompactJwt a = CompactJwt.read(params.get("assertion"));
        if (a != null && !"RS256".equals(a.headerText("alg"))) {
            a = null;
        }
        counters.tokenCall(PROVIDER, a == null ? null : a.claims.get("iss"));
        IdpReply reply = answer(request, params, a);
        counters.status(PROVIDER, reply.status());
        return reply;
    }

    private IdpReply answer(IdpRequest request, Map<String, String> params, CompactJwt a) {
        if (!"POST".equals(request.method())) {
            return IdpReply.json(405, "{\"error\":\"invalid_request\",\"error_description\":\"POST only\"}");
        }
        if (!JWT_BEARER.equals(params.get("grant_type"))) {
            return IdpReply.json(400, "{\"error\":\"unsupported_grant_type\",\"error_description\":\"Invalid grant_type: "
                    + "\"}");
        }
        if (a == null) {
            return IdpReply.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT: Token must be"
                    + " a short-lived token (60 minutes) and in a reasonable timeframe.\"}");
        }
        String email = a.claims.get("iss");
        KeyPair key = accounts.keyPair(email);
        if (key == null) {
            return IdpReply.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid grant: account not"
                    + " found\"}");
        }
        if (!verifies(a, key)) {
            return IdpReply.json(400, BAD_SIGNATURE);
        }
        long now = clock.millis() / 1000;
        long iat = a.number("iat");
        long exp = a.number("exp");
        if (iat < 0 || exp <= now || exp - iat > 3600) {
            return IdpReply.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT: Token must be"
                    + " a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values"
                    + " in the JWT claim.\"}");
        }
        // Counted once the grant is good: the quota is the account's, as Google's per-account token quota.
        if (!quota.allow(email)) {
            return IdpReply.json(429, RATE_LIMITED).header("Retry-After", "60");
        }
        String token = tokens.issueFamily(PROVIDER, email, email, clock.millis() + LIFETIME.toMillis()).accessToken;
        return IdpReply.of(200, "application/json; charset=utf-8", "{\"access_token\":" + Json.quote(token)
                + ",\"expires_in\":" + LIFETIME.getSeconds() + ",\"token_type\":\"Bearer\"}");
    }

    private static boolean verifies(CompactJwt a, KeyPair key) {
        try {
            return a.verifies(Signature.getInstance("SHA256withRSA"), key.getPublic());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
