package io.tokenguard.agent.fleet;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF with HMAC-SHA-256 (RFC 5869), with the JDK alone: one secret becomes keys that cannot be told from each other. */
final class Hkdf {
    private static final int HASH_LEN = 32;

    private Hkdf() {
    }

    /** Extract-then-expand: length bytes of key material for this purpose (info). */
    static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
        return expand(extract(salt, ikm), info, length);
    }

    /** PRK = HMAC-Hash(salt, IKM); an empty salt is HashLen zeros (RFC 5869 §2.2). */
    static byte[] extract(byte[] salt, byte[] ikm) {
        return hmac(salt == null || salt.length == 0 ? new byte[HASH_LEN] : salt, ikm);
    }

    /** T(i) = HMAC-Hash(PRK, T(i-1) | info | i), concatenated and cut to length (RFC 5869 §2.3). */
    static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length <= 0 || length > 255 * HASH_LEN) {
            throw new IllegalArgumentException("length " + length);
        }
        ByteArrayOutputStream okm = new ByteArrayOutputStream(length + HASH_LEN);
        byte[] t = new byte[0];
        for (int i = 1; okm.size() < length; i++) {
            Mac mac = mac(prk);
            mac.update(t);
            mac.update(info);
            mac.update((byte) i);
            t = mac.doFinal();
            okm.write(t, 0, t.length);
        }
        byte[] all = okm.toByteArray();
        byte[] out = new byte[length];
        System.arraycopy(all, 0, out, 0, length);
        return out;
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        return mac(key).doFinal(data);
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
