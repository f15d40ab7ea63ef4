package io.tokenguard.agent.jose;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * The asymmetric JWS algorithms (RFC 7518 §3, RFC 8037) an assertion or a DPoP proof may be verified
 * under, with the JDK's own {@link Signature}. No "none" and no HMAC: a shared secret proves nothing
 * about who signed, so such a JWT is never keyed by its claims.
 */
public enum JwsAlgorithm {
    RS256("SHA256withRSA", null, Family.RSA, 0),
    RS384("SHA384withRSA", null, Family.RSA, 0),
    RS512("SHA512withRSA", null, Family.RSA, 0),
    PS256("RSASSA-PSS", pss("SHA-256", MGF1ParameterSpec.SHA256, 32), Family.RSA, 0),
    PS384("RSASSA-PSS", pss("SHA-384", MGF1ParameterSpec.SHA384, 48), Family.RSA, 0),
    PS512("RSASSA-PSS", pss("SHA-512", MGF1ParameterSpec.SHA512, 64), Family.RSA, 0),
    // JWS carries ECDSA signatures as R || S (RFC 7518 §3.4), the JDK's P1363 format.
    ES256("SHA256withECDSAinP1363Format", null, Family.EC, 256),
    ES384("SHA384withECDSAinP1363Format", null, Family.EC, 384),
    ES512("SHA512withECDSAinP1363Format", null, Family.EC, 521),
    /** Ed25519 and Ed448 (JDK 15+; on older JDKs such a JWT is never verified, so it stays exact bytes). */
    EdDSA("EdDSA", null, Family.EDDSA, 0);

    /** Weaker RSA keys are not taken as proof of who signed (RFC 7518 §3.3 asks for 2048 bits). */
    private static final int MIN_RSA_BITS = 2048;
    /**
     * Larger moduli and exponents cost a verifier far more than any real signer uses (65537 is the
     * norm): a request must not be able to buy seconds of CPU with a key it made up.
     */
    private static final int MAX_RSA_BITS = 8192;
    private static final int MAX_RSA_EXPONENT_BITS = 33;

    enum Family { RSA, EC, EDDSA }

    private final String jcaName;
    private final PSSParameterSpec pss;
    private final Family family;
    /** The curve's field size an EC key must have: ES256 is P-256 only, and so on. */
    private final int curveBits;

    JwsAlgorithm(String jcaName, PSSParameterSpec pss, Family family, int curveBits) {
        this.jcaName = jcaName;
        this.pss = pss;
        this.family = family;
        this.curveBits = curveBits;
    }

    private static PSSParameterSpec pss(String digest, MGF1ParameterSpec mgf, int saltBytes) {
        return new PSSParameterSpec(digest, "MGF1", mgf, saltBytes, 1);
    }

    /** The algorithm a JWS header names, or null for any other (none, HS*, unknown, a different case). */
    public static JwsAlgorithm named(String alg) {
        if (alg == null) {
            return null;
        }
        for (JwsAlgorithm a : values()) {
            if (a.name().equals(alg)) {
                return a;
            }
        }
        return null;
    }

    /** Whether the key is of this algorithm's kind (and strength); a mismatch never verifies. */
    boolean fits(PublicKey key) {
        switch (family) {
            case RSA:
                if (!(key instanceof RSAPublicKey)) {
                    return false;
                }
                RSAPublicKey rsa = (RSAPublicKey) key;
                int bits = rsa.getModulus().bitLength();
                return bits >= MIN_RSA_BITS && bits <= MAX_RSA_BITS
                        && rsa.getPublicExponent().bitLength() <= MAX_RSA_EXPONENT_BITS;
            case EC:
                return key instanceof ECPublicKey
                        && ((ECPublicKey) key).getParams().getCurve().getField().getFieldSize() == curveBits;
            default:
                String a = key.getAlgorithm();
                return ("EdDSA".equals(a) || "Ed25519".equals(a) || "Ed448".equals(a)) && EdwardsKeys.holdable(key);
        }
    }

    /** True only when the signature is valid under the key; false for anything else, never an exception. */
    boolean verifies(PublicKey key, byte[] signingInput, byte[] signature) {
        if (!fits(key)) {
            return false;
        }
        try {
            Signature s = Signature.getInstance(jcaName);
            if (pss != null) {
                s.setParameter(pss);
            }
            s.initVerify(key);
            s.update(signingInput);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // An algorithm this JDK lacks, a key its provider refuses, a signature of the wrong shape.
            return false;
        }
    }
}
