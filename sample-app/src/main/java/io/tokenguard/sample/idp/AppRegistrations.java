package io.tokenguard.sample.idp;

import io.tokenguard.sample.json.Json;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Entra-like provider's app registrations with a certificate credential: a key pair and a
 * self-signed certificate each, made when first asked for (test fixtures, not secrets).
 */
final class AppRegistrations {
    static final String TENANT = "sample-tenant";
    static final String APP = "11111111-2222-3333-4444-555555555555";
    static final String OTHER_APP = "66666666-7777-8888-9999-000000000000";
    private static final Set<String> KNOWN = Set.of(APP, OTHER_APP);

    static final class Registration {
        final KeyPair keys;
        final X509Certificate certificate;

        Registration(KeyPair keys, X509Certificate certificate) {
            this.keys = keys;
            this.certificate = certificate;
        }
    }

    private final Map<String, Registration> registrations = new ConcurrentHashMap<>();

    /** The app's registration, or null for a client id this tenant does not have. */
    Registration of(String clientId) {
        return clientId != null && KNOWN.contains(clientId) ? registrations.computeIfAbsent(clientId,
                AppRegistrations::register) : null;
    }

    /** A file with what the app holds: its client id, tenant, token URI, private key and certificate (PEM). */
    String credentialFile(String clientId, String tokenUri) {
        Registration r = of(clientId);
        if (r == null) {
            return null;
        }
        try {
            return "{\"tenant\":" + Json.quote(TENANT) + ",\"client_id\":" + Json.quote(clientId) + ",\"token_uri\":"
                    + Json.quote(tokenUri) + ",\"private_key\":" + Json.quote(pem("PRIVATE KEY",
                    r.keys.getPrivate().getEncoded())) + ",\"certificate\":" + Json.quote(pem("CERTIFICATE",
                    r.certificate.getEncoded())) + "}";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PEM block of this type (the provider's key files carry their keys and certificates so). */
    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static Registration register(String clientId) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair keys = g.generateKeyPair();
            Instant now = Instant.now();
            return new Registration(keys, SelfSignedCertificate.of(keys, "app " + clientId,
                    now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)), Math.abs(clientId.hashCode())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
