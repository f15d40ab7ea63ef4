package io.tokenguard.sample.idp;

import io.tokenguard.sample.json.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code POST /dpop/token}: a client-credentials grant (the sample client's Basic credentials) bound to a
 * DPoP key (RFC 9449): the DPoP header must be a proof of this request (typ dpop+jwt, ES256 under its own
 * P-256 jwk, htm POST, htu this URL, iat within 5 minutes) with a jti never seen before, as a server that
 * detects replayed proofs keeps them. The token is bound to the key: {@code token_type: DPoP}. Token calls
 * are counted per key, by its RFC 7638 thumbprint.
 */
final class DpopTokenEndpoint implements Endpoint {
    static final String PROVIDER = "dpop";
    static final String PATH = "/dpop/token";
    private static final Duration LIFETIME = Duration.ofSeconds(3599);
    private static final long WINDOW_SECONDS = 300;

    private final Counters counters;
    private final TokenStore tokens;
    private final Clock clock;
    private final Set<String> seenJtis = ConcurrentHashMap.newKeySet();

    DpopTokenEndpoint(Counters counters, TokenStore tokens, Clock clock) {
        this.counters = counters;
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public IdpReply handle(IdpRequest request) {
        Proof proof = Proof.read(request.header("DPoP"));
        counters.tokenCall(PROVIDER, proof == null ? null : proof.thumbprint);
        IdpReply reply = answer(request, proof);
        counters.status(PROVIDER, reply.status());
        return reply;
    }

    private IdpReply answer(IdpRequest request, Proof proof) {
        BasicAuth auth = BasicAuth.parse(request.header("Authorization"));
        if (auth == null || !Directory.isClient(auth.id(), auth.secret())) {
            return IdpReply.json(401, "{\"error\":\"invalid_client\"}");
        }
        if (!"client_credentials".equals(RequestParams.form(request.bodyText()).get("grant_type"))) {
            return IdpReply.json(400, "{\"error\":\"unsupported_grant_type\"}");
        }
        long now = clock.millis() / 1000;
        if (proof == null || !"POST".equals(proof.claims.get("htm")) || proof.claims.get("htu") == null
                || !proof.claims.get("htu").endsWith(PATH) || Math.abs(proof.iat() - now) > WINDOW_SECONDS) {
            return IdpReply.json(400, "{\"error\":\"invalid_dpop_proof\",\"error_description\":\"Invalid DPoP proof\"}");
        }
        String jti = proof.claims.get("jti");
        if (jti == null || !seenJtis.add(jti)) {
            return IdpReply.json(400, "{\"error\":\"invalid_dpop_proof\",\"error_description\":\"DPoP proof replayed\"}");
        }
        String token = tokens.issueFamily(PROVIDER, proof.thumbprint, auth.id(), clock.millis() + LIFETIME.toMillis())
                .accessToken;
        return IdpReply.json(200, "{\"access_token\":" + Json.quote(token) + ",\"token_type\":\"DPoP\",\"expires_in\":"
                + LIFETIME.getSeconds() + "}");
    }

    /** A proof whose signature verifies under its own P-256 jwk; null for anything else. */
    private static final class Proof {
        final Map<String, String> claims;
        final String thumbprint;

        private Proof(Map<String, String> claims, String thumbprint) {
            this.claims = claims;
            this.thumbprint = thumbprint;
        }

        long iat() {
            try {
                return Long.parseLong(claims.get("iat"));
            } catch (NumberFormatException e) {
                return Long.MIN_VALUE / 2;
            }
        }

        static Proof read(String jwt) {
            CompactJwt a = CompactJwt.read(jwt);
            if (a == null) {
                return null;
            }
            try {
                Map<?, ?> jwk = a.header.get("jwk") instanceof Map ? (Map<?, ?>) a.header.get("jwk") : null;
                if (!"dpop+jwt".equals(a.headerText("typ")) || !"ES256".equals(a.headerText("alg")) || jwk == null
                        || !"EC".equals(jwk.get("kty")) || !"P-256".equals(jwk.get("crv")) || jwk.containsKey("d")) {
                    return null;
                }
                String x = (String) jwk.get("x");
                String y = (String) jwk.get("y");
                Base64.Decoder d = Base64.getUrlDecoder();
                AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
                p.init(new ECGenParameterSpec("secp256r1"));
                PublicKey key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(
                        new BigInteger(1, d.decode(x)), new BigInteger(1, d.decode(y))),
                        p.getParameterSpec(ECParameterSpec.class)));
                return a.verifies(Signature.getInstance("SHA256withECDSAinP1363Format"), key)
                        ? new Proof(a.claims, thumbprint(x, y)) : null;
            } catch (GeneralSecurityException | RuntimeException e) {
                return null;
            }
        }
    }

    /** RFC 7638: SHA-256 of the required members in lexical order, base64url. */
    static String thumbprint(String x, String y) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\""
                    + x + "\",\"y\":\"" + y + "\"}").getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
