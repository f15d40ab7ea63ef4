package io.tokenguard.sample.idp;

import io.tokenguard.sample.json.Json;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Google-like provider's service accounts: an RSA key each, made when first asked for (test
 * fixtures, not secrets), handed out as Google's JSON key file and published as Google publishes
 * them (a JWKS per account).
 */
final class ServiceAccounts {
    static final String REPORTING = "reporting@sample-project.iam.gserviceaccount.com";
    static final String BILLING = "billing@sample-project.iam.gserviceaccount.com";
    private static final java.util.Set<String> KNOWN = java.util.Set.of(REPORTING, BILLING);

    private final Map<String, KeyPair> keys = new ConcurrentHashMap<>();

    static boolean isKnown(String email) {
        return email != null && KNOWN.contains(email);
    }

    /** The account's key pair, or null for an account this provider does not have. */
    KeyPair keyPair(String email) {
        return isKnown(email) ? keys.computeIfAbsent(email, e -> generate()) : null;
    }

    /** Google's {@code private_key_id}: names the key, proves nothing. */
    static String keyId(String email) {
        return Integer.toHexString(email.hashCode()) + "0000000000000000000000000000000";
    }

    /** A JSON key file as the Cloud console downloads it, its token_uri this provider's. */
    String keyFile(String email, String tokenUri) {
        KeyPair k = keyPair(email);
        if (k == null) {
            return null;
        }
        String pem = AppRegistrations.pem("PRIVATE KEY", k.getPrivate().getEncoded());
        return "{\"type\":\"service_account\",\"project_id\":\"sample-project\",\"private_key_id\":"
                + Json.quote(keyId(email)) + ",\"private_key\":" + Json.quote(pem) + ",\"client_email\":"
                + Json.quote(email) + ",\"client_id\":\"1000" + Math.abs(email.hashCode()) + "\",\"token_uri\":"
                + Json.quote(tokenUri) + "}";
    }

    /** {@code /service_accounts/v1/jwk/<email>}: the account's public keys. */
    String jwks(String email) {
        KeyPair k = keyPair(email);
        if (k == null) {
            return null;
        }
        RSAPublicKey pub = (RSAPublicKey) k.getPublic();
        return "{\"keys\":[{\"kty\":\"RSA\",\"alg\":\"RS256\",\"use\":\"sig\",\"kid\":" + Json.quote(keyId(email))
                + ",\"n\":\"" + b64(pub.getModulus()) + "\",\"e\":\"" + b64(pub.getPublicExponent()) + "\"}]}";
    }

    private static String b64(BigInteger n) {
        byte[] b = n.toByteArray();
        if (b[0] == 0 && b.length > 1) {
            b = Arrays.copyOfRange(b, 1, b.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
