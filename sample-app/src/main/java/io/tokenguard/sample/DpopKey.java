package io.tokenguard.sample;

import io.tokenguard.sample.json.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.UUID;

/**
 * A DPoP key (P-256) the app holds for the life of a round, and the proof it signs for every token
 * request (RFC 9449 §4.2): typ dpop+jwt, ES256, its public jwk, a fresh jti, htm, htu and iat.
 */
final class DpopKey {
    private final KeyPair keys;
    private final String jwk;
    /** The key's RFC 7638 thumbprint: how the IdP names it (and the row's identity). */
    final String thumbprint;

    DpopKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            keys = g.generateKeyPair();
            ECPublicKey pub = (ECPublicKey) keys.getPublic();
            String x = Jws.b64(fixed(pub.getW().getAffineX()));
            String y = Jws.b64(fixed(pub.getW().getAffineY()));
            String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}";
            jwk = canonical;
            thumbprint = Jws.b64(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a DPoP key", e);
        }
    }

    private static byte[] fixed(BigInteger n) {
        byte[] b = n.toByteArray();
        byte[] out = new byte[32];
        int from = Math.max(0, b.length - 32);
        System.arraycopy(b, from, out, 32 - (b.length - from), b.length - from);
        return out;
    }

    String proof(String method, String url) {
        String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + jwk + "}";
        String claims = "{\"jti\":" + Json.quote(UUID.randomUUID().toString()) + ",\"htm\":" + Json.quote(method)
                + ",\"htu\":" + Json.quote(url) + ",\"iat\":" + System.currentTimeMillis() / 1000 + "}";
        return Jws.es256(keys.getPrivate(), header, claims);
    }

    @Override
    public String toString() {
        return "DPoP key " + thumbprint;
    }
}
