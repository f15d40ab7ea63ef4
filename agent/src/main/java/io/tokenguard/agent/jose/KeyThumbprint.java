package io.tokenguard.agent.jose;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;

/**
 * SHA-256 of the key's SubjectPublicKeyInfo: one name per key, wherever it came from (a JWK, a
 * certificate, a PEM file), so the same key holder is recognised under each.
 */
final class KeyThumbprint {
    private KeyThumbprint() {
    }

    static String of(PublicKey key) {
        try {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
