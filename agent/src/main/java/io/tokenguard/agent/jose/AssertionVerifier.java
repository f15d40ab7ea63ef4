package io.tokenguard.agent.jose;

import java.security.PublicKey;
import java.util.Map;

/**
 * Reads a signed JWT assertion (RFC 7523: a jwt-bearer grant's assertion, a private_key_jwt
 * client_assertion) as the identity of whoever signed it: its claims minus those that change from
 * request to request ({@code jti}, {@code iat}, {@code nbf}, {@code exp}), its {@code alg}, and the
 * thumbprint of the key it verifies under. Two assertions then read the same only if one key holder
 * signed the same claims; a forger who copies the claims but not the key reads differently.
 * Keys tried, in order: those the operator configured, the header's {@code x5c} certificate (its
 * key, not its name), the header's {@code jwk}. A {@code kid} or {@code x5t} alone is never trusted.
 */
public final class AssertionVerifier {
    private AssertionVerifier() {
    }

    /**
     * The assertion's verified identity, or null when it cannot be verified: malformed, alg none or
     * HS*, expired or without exp, no key that its signature verifies under.
     */
    public static VerifiedJwt verified(String assertion, TrustedKeys configured, long nowSeconds) {
        CompactJws jws = readable(assertion, nowSeconds);
        if (jws == null) {
            return null;
        }
        JwsAlgorithm alg = JwsAlgorithm.named(jws.alg);
        PublicKey key = signingKey(jws, alg, configured);
        return key == null ? null : identity(jws, alg.name(), KeyThumbprint.of(key));
    }

    /**
     * The identity by claims without checking the signature: for an endpoint whose operator chose
     * {@code assertion-identity=claims-unverified}. Still null for a malformed, none, HS* or expired one.
     */
    public static VerifiedJwt unverified(String assertion, long nowSeconds) {
        CompactJws jws = readable(assertion, nowSeconds);
        return jws == null ? null : identity(jws, jws.alg, "unverified");
    }

    private static CompactJws readable(String assertion, long nowSeconds) {
        CompactJws jws = CompactJws.parse(assertion);
        if (jws == null || JwsAlgorithm.named(jws.alg) == null) {
            return null;
        }
        long exp = jws.numericClaim("exp");
        return exp == Long.MIN_VALUE || exp <= nowSeconds ? null : jws;
    }

    static PublicKey signingKey(CompactJws jws, JwsAlgorithm alg, TrustedKeys configured) {
        for (PublicKey key : configured.keys()) {
            if (alg.verifies(key, jws.signingInput, jws.signature)) {
                return key;
            }
        }
        if (!jws.x5c.isEmpty()) {
            PublicKey key = TrustedKeys.certificateKey(jws.x5c.get(0));
            if (key != null && alg.verifies(key, jws.signingInput, jws.signature)) {
                return key;
            }
        }
        if (jws.hasJwk) {
            PublicKey key = JwkPublicKeys.of(jws.jwk);
            if (key != null && alg.verifies(key, jws.signingInput, jws.signature)) {
                return key;
            }
        }
        return null;
    }

    private static VerifiedJwt identity(CompactJws jws, String alg, String thumbprint) {
        StringBuilder id = new StringBuilder(256).append("alg=").append(alg).append("\u0000key=").append(thumbprint)
                .append('\u0000');
        for (Map.Entry<String, String> claim : jws.claims.entrySet()) {
            switch (claim.getKey()) {
                case "jti":
                case "iat":
                case "nbf":
                case "exp":
                    continue;
                default:
                    id.append(claim.getKey().length()).append(':').append(claim.getKey()).append(claim.getValue());
            }
        }
        return new VerifiedJwt(id.toString(), jws.numericClaim("exp"));
    }
}
