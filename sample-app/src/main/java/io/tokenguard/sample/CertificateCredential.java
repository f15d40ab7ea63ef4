package io.tokenguard.sample;

import io.tokenguard.sample.json.Json;
import io.tokenguard.sample.json.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * An Entra app's certificate credential, and the client_assertion a careless app signs for every token
 * request as MSAL does with a certificate: RS256, x5t and x5c (sendX5c) in the header, aud the token
 * endpoint, iss = sub = the client id, a fresh jti, nbf/iat now and exp 10 minutes on.
 */
final class CertificateCredential {
    final String clientId;
    final String tokenUri;
    private final PrivateKey key;
    private final String x5t;
    private final String x5c;

    private CertificateCredential(String clientId, String tokenUri, PrivateKey key, X509Certificate certificate)
            throws GeneralSecurityException {
        this.clientId = clientId;
        this.tokenUri = tokenUri;
        this.key = key;
        this.x5t = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
        this.x5c = Base64.getEncoder().encodeToString(certificate.getEncoded());
    }

    /** Throws IllegalArgumentException naming the file (never its content) when it is not a credential file. */
    static CertificateCredential read(Path file) {
        try {
            Map<String, String> json = JsonParser.parseFlatObject(Files.readString(file, StandardCharsets.UTF_8));
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                    Jws.pemBody(json.get("private_key"))));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Jws.pemBody(json.get("certificate"))));
            if (json.get("client_id") == null || json.get("token_uri") == null) {
                throw new IllegalArgumentException("no client_id or token_uri");
            }
            return new CertificateCredential(json.get("client_id"), json.get("token_uri"), key, cert);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read certificate credential file " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** A new client assertion for this request. */
    String assertion() {
        long now = System.currentTimeMillis() / 1000;
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5t\":" + Json.quote(x5t) + ",\"x5c\":[" + Json.quote(x5c)
                + "]}";
        String claims = "{\"aud\":" + Json.quote(tokenUri) + ",\"iss\":" + Json.quote(clientId) + ",\"sub\":"
                + Json.quote(clientId) + ",\"jti\":" + Json.quote(UUID.randomUUID().toString()) + ",\"nbf\":" + now
                + ",\"iat\":" + now + ",\"exp\":" + (now + 600) + "}";
        return Jws.rs256(key, header, claims);
    }

    @Override
    public String toString() {
        return "certificate credential of " + clientId;
    }
}
