package io.tokenguard.agent.config;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * The fleet's shared secrets, read from tokenguard.fleet.key: base64 keys, comma-separated. The
 * first encrypts what is written to Redis, every one decrypts, so a key is rotated by putting the
 * new one first on every JVM, then dropping the old one. Never printed.
 */
public final class FleetKeyRing {
    /** Enough for HMAC-SHA-256 and AES-256 (RFC 2104 §3: shorter keys are "strongly discouraged"). */
    public static final int MIN_BYTES = 32;
    private final List<byte[]> keys;

    private FleetKeyRing(List<byte[]> keys) {
        this.keys = keys;
    }

    /** IllegalArgumentException (carrying no part of the text) when a key is not base64 or too short. */
    static FleetKeyRing parse(String text) {
        List<byte[]> keys = new ArrayList<>();
        for (String part : text.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            byte[] key;
            try {
                key = t.indexOf('-') >= 0 || t.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(t)
                        : Base64.getDecoder().decode(t);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not base64");
            }
            if (key.length < MIN_BYTES) {
                throw new IllegalArgumentException("too short");
            }
            keys.add(key);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        return new FleetKeyRing(Collections.unmodifiableList(keys));
    }

    /** Tests and tools: a ring of these keys, the first encrypting. */
    public static FleetKeyRing of(byte[]... keys) {
        List<byte[]> list = new ArrayList<>();
        for (byte[] k : keys) {
            if (k.length < MIN_BYTES) {
                throw new IllegalArgumentException("a fleet key needs at least " + MIN_BYTES + " bytes");
            }
            list.add(k.clone());
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("a key ring needs a key");
        }
        return new FleetKeyRing(Collections.unmodifiableList(list));
    }

    public int size() {
        return keys.size();
    }

    /** A copy of the i-th key (0 encrypts). */
    public byte[] key(int i) {
        return keys.get(i).clone();
    }

    @Override
    public String toString() {
        return "FleetKeyRing[" + keys.size() + " keys, hidden]";
    }
}
