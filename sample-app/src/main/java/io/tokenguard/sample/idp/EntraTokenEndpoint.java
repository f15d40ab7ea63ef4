package io.tokenguard.sample.idp;

import io.tokenguard.sample.json.Json;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * {@code POST /<tenant>/oauth2/v2.0/token}, answering like login.microsoftonline.com for a confidential
 * client's client-credentials grant with a certificate credential (private_key_jwt): the
 * client_assertion's RS256 or PS256 signature must verify under the certificate registered for the
 * client id (the header's x5t must name it; the header's own x5c proves nothing here), with aud this
 * endpoint and iss = sub = the client id. Past a per-app quota it answers {@code 429} with
 * {@code Retry-After}. Errors as Entra words them (AADSTS codes).
 */
final class EntraTokenEndpoint implements Endpoint {
    static final String PROVIDER = "entra";
    static final String PATH = "/" + AppRegistrations.TENANT + "/oauth2/v2.0/token";
    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    static final String BAD_SIGNATURE = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS700027: The"
            + " certificate with identifier used to sign the client assertion is not registered on application, or"
            + " the client assertion contains an invalid signature.\",\"error_codes\":[700027]}";
    static final String THROTTLED = "{\"error\":\"temporarily_unavailable\",\"error_description\":\"AADSTS50196: The"
            + " server terminated an operation because it encountered a client request loop.\",\"error_codes\":[50196]}";
    private static final Duration LIFETIME = Duration.ofSeconds(3599);

    private final Counters counters;
    private final TokenStore tokens;
    private final AppRegistrations apps;
    private final TwitterRateLimiter quota;
    private final Clock clock;

    EntraTokenEndpoint(Counters counters, TokenStore tokens, AppRegistrations apps, TwitterRateLimiter quota,
                       Clock clock) {
        this.counters = counters;
        this.tokens = tokens;
        this.apps = apps;
        this.quota = quota;
        this.clock = clock;
    }

    @Override
    public IdpReply handle(IdpRequest request) {
        Map<String, String> params = RequestParams.form(request.bodyText());
        String clientId = params.get("client_id");
        counters.tokenCall(PROVIDER, clientId);
        IdpReply reply = answer(request, params, clientId);
        counters.status(PROVIDER, reply.status());
        return reply;
    }

    private IdpReply answer(IdpRequest request, Map<String, String> params, String clientId) {
        if (!"POST".equals(request.method())) {
            return IdpReply.json(405, "{\"error\":\"invalid_request\",\"error_codes\":[900561]}");
        }
        if (!"client_credentials".equals(params.get("grant_type"))) {
            return IdpReply.json(400, "{\"error\":\"unsupported_grant_type\",\"error_codes\":[70003]}");
        }
        AppRegistrations.Registration app = apps.of(clientId);
        if (app == null) {
            return IdpReply.json(400, "{\"error\":\"unauthorized_client\",\"error_description\":\"AADSTS700016:"
                    + " Application with identifier was not found in the directory.\",\"error_codes\":[700016]}");
        }
        if (!ASSERTION_TYPE.equals(params.get("client_assertion_type"))
                || !verifies(params.get("client_assertion"), clientId, app)) {
            return IdpReply.json(401, BAD_SIGNATURE);
        }
        if (!quota.allow(clientId)) {
            return IdpReply.json(429, THROTTLED).header("Retry-After", "60");
        }
        String token = tokens.issueFamily(PROVIDER, clientId, clientId, clock.millis() + LIFETIME.toMillis())
                .accessToken;
        return IdpReply.of(200, "application/json; charset=utf-8", "{\"token_type\":\"Bearer\",\"expires_in\":"
                + LIFETIME.getSeconds() + ",\"ext_expires_in\":" + LIFETIME.getSeconds() + ",\"access_token\":"
                + Json.quote(token) + "}");
    }

    private boolean verifies(String jwt, String clientId, AppRegistrations.Registration app) {
        CompactJwt a = CompactJwt.read(jwt);
        if (a == null) {
            return false;
        }
        try {
            String x5t = a.headerText("x5t");
            String registered = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-1").digest(app.certificate.getEncoded()));
            String aud = a.claims.get("aud");
            if (x5t != null && !registered.equals(x5t) || a.number("exp") <= clock.millis() / 1000 || aud == null
                    || !aud.endsWith(PATH) || !clientId.equals(a.claims.get("iss"))
                    || !clientId.equals(a.claims.get("sub"))) {
                return false;
            }
            Signature s = signature(a.headerText("alg"));
            return s != null && a.verifies(s, app.certificate.getPublicKey());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Entra's algorithms for a certificate's client assertion, or null for any other. */
    private static Signature signature(String alg) throws GeneralSecurityException {
        if ("RS256".equals(alg)) {
            return Signature.getInstance("SHA256withRSA");
        }
        if ("PS256".equals(alg)) {
            Signature s = Signature.getInstance("RSASSA-PSS");
            s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            return s;
        }
        return null;
    }
}
