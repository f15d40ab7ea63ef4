package io.tokenguard.sample.idp;

import io.tokenguard.sample.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;

/** {@code POST /oauth2/token}, answering like api.twitter.com's app-only bearer endpoint in 2013. */
final class TwitterTokenEndpoint implements Endpoint {
    static final String PROVIDER = "twitter";
    /** Verbatim from the forum report (with straight quotes): the same answer as for a wrong secret. */
    static final String CODE_99 = "{\"errors\":[{\"label\":\"authenticity_token_error\",\"code\":99,"
            + "\"message\":\"Unable to verify your credentials\"}]}";
    static final String MISSING_GRANT = "{\"errors\":[{\"code\":170,\"message\":"
            + "\"Missing required parameter: grant_type\",\"label\":\"forbidden_missing_parameter\"}]}";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Counters counters;
    private final TokenStore tokens;
    private final TwitterRateLimiter limiter;
    private final Clock clock;

    TwitterTokenEndpoint(Counters counters, TokenStore tokens, TwitterRateLimiter limiter, Clock clock) {
        this.counters = counters;
        this.tokens = tokens;
        this.limiter = limiter;
        this.clock = clock;
    }

    @Override
    public IdpReply handle(IdpRequest request) {
        BasicAuth auth = BasicAuth.parse(request.header("Authorization"));
        counters.tokenCall(PROVIDER, auth == null ? null : auth.id());
        IdpReply reply = answer(request, auth);
        counters.status(PROVIDER, reply.status());
        return reply;
    }

    /** Twitter hands out one bearer per consumer until it is invalidated, so it is derived, not random. */
    static String bearerFor(String consumerKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("tokenguard-sample-bearer:" + consumerKey).getBytes(StandardCharsets.UTF_8));
            return "AAAA" + EmulatedIdp.TOKEN_MARKER + "bearer-" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private IdpReply answer(IdpRequest request, BasicAuth auth) {
        if (!"POST".equals(request.method())) {
            return IdpReply.json(405, "{\"errors\":[{\"code\":34,\"message\":\"Sorry, that page does not exist\"}]}")
                    .header("Allow", "POST");
        }
        if (auth == null || !Directory.isConsumerKey(auth.id())) {
            return forbidden();
        }
        // Counted before the secret is checked: the limit is per key, whatever the caller sends.
        if (!limiter.allow(auth.id()) || !Directory.isConsumer(auth.id(), auth.secret())) {
            return forbidden();
        }
        Map<String, String> params = RequestParams.form(request.bodyText());
        if (!"client_credentials".equals(params.get("grant_type"))) {
            return IdpReply.of(400, "application/json; charset=utf-8", MISSING_GRANT);
        }
        String bearer = bearerFor(auth.id());
        tokens.registerBearer(auth.id(), bearer);
        return IdpReply.of(200, "application/json;charset=utf-8",
                "{\"token_type\":\"bearer\",\"access_token\":" + Json.quote(bearer) + "}");
    }

    /** The seed's 403, header for header, minus cookies and the date HttpServer adds itself. */
    private IdpReply forbidden() {
        String now = DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().atZone(ZoneOffset.UTC));
        return IdpReply.of(403, "application/json; charset=utf-8", CODE_99)
                .header("cache-control", "no-cache, no-store, must-revalidate, pre-check=0, post-check=0")
                .header("expires", "Tue, 31 Mar 1981 05:00:00 GMT")
                .header("last-modified", now)
                .header("pragma", "no-cache")
                .header("server", "tfe")
                .header("status", "403 Forbidden")
                .header("strict-transport-security", "max-age=631138519")
                .header("vary", "Accept-Encoding")
                .header("x-frame-options", "DENY")
                .header("x-mid", hex(20))
                .header("x-runtime", "0.01375")
                .header("x-transaction", hex(8))
                .header("x-ua-compatible", "IE=10,chrome=1")
                .header("x-xss-protection", "1; mode=block");
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x & 0xff));
        }
        return s.toString();
    }
}
