package io.tokenguard.sample;

import io.tokenguard.sample.json.Json;
import io.tokenguard.sample.json.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Map;
import java.util.UUID;

/**
 * A Google service account's JSON key file, and the jwt-bearer assertion a careless app signs with it
 * for every token request: RS256, the key's id as kid, a fresh iat and a fresh jti each time (as JWT
 * libraries that add a jti write it: Okta's, Salesforce's), so no two requests are the same bytes.
 */
final class ServiceAccountKey {
    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    final String email;
    final String keyId;
    final String tokenUri;
    private final PrivateKey key;

    private ServiceAccountKey(String email, String keyId, String tokenUri, PrivateKey key) {
        this.email = email;
        this.keyId = keyId;
        this.tokenUri = tokenUri;
        this.key = key;
    }

    /** Throws IllegalArgumentException naming the file (never its content) when it is not a key file. */
    static ServiceAccountKey read(Path file) {
        try {
            Map<String, String> json = JsonParser.parseFlatObject(Files.readString(file, StandardCharsets.UTF_8));
            String pem = json.get("private_key");
            if (json.get("client_email") == null || json.get("token_uri") == null || pem == null) {
                throw new IllegalArgumentException("not a service account key file: " + file);
            }
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Jws.pemBody(pem)));
            return new ServiceAccountKey(json.get("client_email"), json.get("private_key_id"), json.get("token_uri"),
                    key);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read service account key file " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** A new assertion for this request. */
    String assertion() {
        long iat = System.currentTimeMillis() / 1000;
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"" + (keyId == null ? "" : ",\"kid\":" + Json.quote(keyId))
                + "}";
        String claims = "{\"iss\":" + Json.quote(email) + ",\"scope\":" + Json.quote(SCOPE) + ",\"aud\":"
                + Json.quote(tokenUri) + ",\"exp\":" + (iat + 3600) + ",\"iat\":" + iat + ",\"jti\":"
                + Json.quote(UUID.randomUUID().toString()) + "}";
        return Jws.rs256(key, header, claims);
    }

    @Override
    public String toString() {
        return "service account " + email;
    }
}
