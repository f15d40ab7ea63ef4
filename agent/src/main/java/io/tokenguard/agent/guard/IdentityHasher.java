package io.tokenguard.agent.guard;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256 under a random per-process key: cache and throttle keys are such hashes, so a heap
 * dump or a metric never holds a credential, and the hashes mean nothing outside this JVM.
 */
final class IdentityHasher {
    private final byte[] key;
    /**
     * Initialised once and only ever cloned: Mac.getInstance per request looks the provider up under
     * JCA-wide locks, which every thread of a token storm (cache hits included) then queues on.
     */
    private final Mac prototype;

    IdentityHasher() {
        this(randomKey());
    }

    IdentityHasher(byte[] key) {
        this.key = key.clone();
        this.prototype = newMac(this.key);
    }

    private static Mac newMac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /** Starts a hash over length-prefixed fields, so ("ab","c") and ("a","bc") never collide. */
    Builder newHash() {
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            mac = newMac(key); // a provider whose Mac cannot be cloned: the slow way, still correct
        }
        return new Builder(mac);
    }

    /** A short salted hash of a user name for events and opt-in metric tags. */
    String shortHash(String value) {
        return value == null ? "-" : newHash().field("user").field(value).finish().substring(0, 12);
    }

    static final class Builder {
        private final Mac mac;

        private Builder(Mac mac) {
            this.mac = mac;
        }

        Builder field(String value) {
            return bytes(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Every UTF-16 unit as is: lossless even for lone surrogates (a JSON "\\ud800"), which
         * {@link #field} would encode as '?' like any other unpaired surrogate.
         */
        Builder chars(String value) {
            byte[] b = new byte[value.length() * 2];
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                b[2 * i] = (byte) (c >>> 8);
                b[2 * i + 1] = (byte) c;
            }
            return bytes(b);
        }

        Builder bytes(byte[] value) {
            if (value == null) {
                mac.update(new byte[] {0, 0, 0, 0, 0});
                return this;
            }
            int n = value.length;
            mac.update(new byte[] {1, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
            mac.update(value);
            return this;
        }

        String finish() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        }
    }
}
