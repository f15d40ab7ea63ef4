package io.tokenguard.agent.jose;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/** Public keys from JWK members (RFC 7517, 7518 §6, 8037): RSA, EC on the NIST curves, Ed25519 and Ed448. */
final class JwkPublicKeys {
    /** SubjectPublicKeyInfo up to the key bytes (RFC 8410): what the JDK's EdDSA KeyFactory reads. */
    private static final byte[] ED25519_SPKI_PREFIX = hex("302a300506032b6570032100");
    private static final byte[] ED448_SPKI_PREFIX = hex("3043300506032b6571033a00");

    private JwkPublicKeys() {
    }

    /** The key, or null when the members do not make one this class knows (never an exception). */
    static PublicKey of(Map<String, String> jwk) {
        try {
            String kty = jwk.get("kty");
            if ("RSA".equals(kty)) {
                return KeyFactory.getInstance("RSA").generatePublic(
                        new RSAPublicKeySpec(unsigned(jwk.get("n")), unsigned(jwk.get("e"))));
            }
            if ("EC".equals(kty)) {
                String curve = curveName(jwk.get("crv"));
                if (curve == null) {
                    return null;
                }
                AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
                params.init(new ECGenParameterSpec(curve));
                ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
                ECPoint point = new ECPoint(unsigned(jwk.get("x")), unsigned(jwk.get("y")));
                // The JDK checks that the point is on the curve when the key is used.
                return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
            }
            if ("OKP".equals(kty)) {
                byte[] prefix = "Ed25519".equals(jwk.get("crv")) ? ED25519_SPKI_PREFIX
                        : "Ed448".equals(jwk.get("crv")) ? ED448_SPKI_PREFIX : null;
                byte[] x = prefix == null ? null : Base64.getUrlDecoder().decode(jwk.get("x"));
                if (x == null || x.length != prefix[prefix.length - 2] - 1) {
                    return null;
                }
                byte[] spki = new byte[prefix.length + x.length];
                System.arraycopy(prefix, 0, spki, 0, prefix.length);
                System.arraycopy(x, 0, spki, prefix.length, x.length);
                return KeyFactory.getInstance("EdDSA").generatePublic(new X509EncodedKeySpec(spki));
            }
            return null;
        } catch (GeneralSecurityException | RuntimeException e) {
            // A member missing or malformed, a curve or algorithm this JDK lacks (EdDSA before 15).
            return null;
        }
    }

    /**
     * A JWK object's string members, the parser just inside its '{' and left on its '}': every JWK member a
     * key is made of is a string; anything else is skipped.
     */
    static Map<String, String> members(JsonParser p) throws IOException {
        Map<String, String> m = new TreeMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_STRING) {
                m.put(name, p.getText());
            } else {
                p.skipChildren();
            }
        }
        return m;
    }

    private static String curveName(String crv) {
        if (crv == null) {
            return null;
        }
        switch (crv) {
            case "P-256": return "secp256r1";
            case "P-384": return "secp384r1";
            case "P-521": return "secp521r1";
            default: return null;
        }
    }

    private static BigInteger unsigned(String base64url) {
        byte[] b = Base64.getUrlDecoder().decode(base64url);
        if (b.length == 0) {
            throw new IllegalArgumentException("empty");
        }
        return new BigInteger(1, b);
    }

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
