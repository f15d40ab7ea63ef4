package io.tokenguard.agent.guard;

import java.security.SecureRandom;

/**
 * The secret every identity hash is keyed with: fingerprints, throttle and cooldown keys, the short
 * user hashes of events and metrics. Random per process by default, so that the hashes mean nothing
 * outside the JVM; JVMs that share a store must share the key too, or no key of one ever matches a
 * key of another. Never printed.
 */
public final class IdentityKey {
    /** HMAC-SHA-256's output length: shorter keys are "strongly discouraged" (RFC 2104 §3). */
    static final int MIN_BYTES = 32;
    private final byte[] key;

    private IdentityKey(byte[] key) {
        this.key = key;
    }

    /** A fresh random key: hashes no other process can reproduce. */
    public static IdentityKey random() {
        byte[] k = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(k);
        return new IdentityKey(k);
    }

    /** A configured secret, shared by the JVMs that are to agree on keys; at least {@value #MIN_BYTES} bytes. */
    public static IdentityKey of(byte[] secret) {
        if (secret == null || secret.length < MIN_BYTES) {
            throw new IllegalArgumentException("an identity key needs at least " + MIN_BYTES + " bytes");
        }
        return new IdentityKey(secret.clone());
    }

    byte[] bytes() {
        return key.clone();
    }

    @Override
    public String toString() {
        return "IdentityKey[hidden]";
    }
}
