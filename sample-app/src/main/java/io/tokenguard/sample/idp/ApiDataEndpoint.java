package io.tokenguard.sample.idp;

import io.tokenguard.sample.json.Json;
import java.time.Clock;

/** {@code GET /api/data}: the protected resource that shows whose token a client really used. */
final class ApiDataEndpoint implements Endpoint {
    private final Counters counters;
    private final TokenStore tokens;
    private final Clock clock;

    ApiDataEndpoint(Counters counters, TokenStore tokens, Clock clock) {
        this.counters = counters;
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public IdpReply handle(IdpRequest request) {
        counters.apiCall();
        String auth = request.header("Authorization");
        String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        TokenStore.Owner owner = tokens.validate(token, clock.millis());
        if (owner == null) {
            return IdpReply.json(401, "{\"error\":\"invalid_token\"}")
                    .header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        return IdpReply.json(200, "{\"user\":" + Json.quote(owner.user) + ",\"provider\":"
                + Json.quote(owner.provider) + "}");
    }
}
