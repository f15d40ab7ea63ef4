package io.tokenguard.sample;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;

/**
 * Compact JWS signing for the app's assertions and proofs, with the JDK's own Signature, and the PEM
 * keys and certificates they are signed with.
 */
final class Jws {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Jws() {
    }

    static String rs256(PrivateKey key, String header, String claims) {
        return sign("SHA256withRSA", key, header, claims);
    }

    static String es256(PrivateKey key, String header, String claims) {
        return sign("SHA256withECDSAinP1363Format", key, header, claims);
    }

    /** The DER bytes of a PEM block (its BEGIN and END lines and line breaks dropped). */
    static byte[] pemBody(String pem) {
        return Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    }

    static String b64(byte[] bytes) {
        return B64.encodeToString(bytes);
    }

    private static String sign(String algorithm, PrivateKey key, String header, String claims) {
        String input = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + algorithm, e);
        }
    }
}
