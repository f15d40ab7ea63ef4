package io.tokenguard.agent.jose;

import java.security.PublicKey;
import java.util.function.Predicate;

/**
 * Reads a DPoP proof (RFC 9449 §4.3) as the key that made it: {@code typ=dpop+jwt}, an asymmetric
 * {@code alg}, a signature that verifies under the header's own {@code jwk}, {@code htm} and
 * {@code htu} naming this very request, a {@code jti}, and an {@code iat} within the window. Proofs
 * from one key then read the same (so they share a token bound to that key); a proof from any other
 * key never does.
 */
public final class DpopProofs {
    private DpopProofs() {
    }

    /**
     * The proof's identity (alg and key thumbprint), valid until iat + window; null when it is not a
     * proof that verifies for this request.
     */
    public static VerifiedJwt verified(String proof, String method, Predicate<String> htuMatches, long nowSeconds,
                                       long windowSeconds) {
        CompactJws jws = CompactJws.parse(proof);
        if (jws == null || !"dpop+jwt".equalsIgnoreCase(jws.typ) || !jws.hasJwk || jws.jwk.containsKey("d")) {
            return null;
        }
        JwsAlgorithm alg = JwsAlgorithm.named(jws.alg);
        long iat = jws.numericClaim("iat");
        String htu = jws.stringClaim("htu");
        if (alg == null || iat == Long.MIN_VALUE || iat < nowSeconds - windowSeconds
                || iat > nowSeconds + windowSeconds
                || !method.equals(jws.stringClaim("htm")) || jws.stringClaim("jti") == null || htu == null
                || !htuMatches.test(htu)) {
            return null;
        }
        PublicKey key = JwkPublicKeys.of(jws.jwk);
        if (key == null || !alg.verifies(key, jws.signingInput, jws.signature)) {
            return null;
        }
        return new VerifiedJwt("dpop\u0000alg=" + alg.name() + "\u0000jkt=" + KeyThumbprint.of(key), iat + windowSeconds);
    }
}
