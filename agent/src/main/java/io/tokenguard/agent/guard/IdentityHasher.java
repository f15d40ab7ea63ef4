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
    private static final String ALGORITHM = "HmacSHA256";

    private final byte[] key;
    /**
     * Keyed once and never updated; every hash starts from a clone of it. Mac.getInstance + init on
     * each hash (three per token request) was most of a cache hit's own work: a JCA provider lookup
     * and the key set-up, each time. Null when the provider's Mac cannot be cloned.
     */
    private final Mac prototype;

    IdentityHasher() {
        this(randomKey());
    }

    IdentityHasher(byte[] key) {
        this.key = key.clone();
        this.prototype = cloneable(freshMac(this.key));
    }

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /** Starts a hash over length-prefixed fields, so ("ab","c") and ("a","bc") never collide. */
    Builder newHash() {
        if (prototype != null) {
            try {
                // Cloning only reads the prototype, so threads may clone it at the same time.
                return new Builder((Mac) prototype.clone());
            } catch (CloneNotSupportedException e) {
                // Not expected after cloneable() said yes; a fresh Mac gives the same hash.
            }
        }
        return new Builder(freshMac(key));
    }

    private static Mac freshMac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static Mac cloneable(Mac mac) {
        try {
            mac.clone();
            return mac;
        } catch (CloneNotSupportedException e) {
            return null;
        }
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
