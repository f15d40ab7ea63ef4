package io.tokenguard.agent.guard;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256 under the guard's {@link IdentityKey}: cache and throttle keys are such hashes, so a
 * heap dump, a metric or a shared store never holds a credential, and the hashes mean nothing to
 * whoever lacks the key (by default a random one per process).
 */
final class IdentityHasher {
    private static final Base64.Encoder KEY_ENCODING = Base64.getUrlEncoder().withoutPadding();
    private final byte[] key;
    /**
     * Initialised once and only ever cloned: Mac.getInstance per request looks the provider up under
     * JCA-wide locks, which every thread of a token storm (cache hits included) then queues on.
     */
    private final Mac prototype;

    IdentityHasher(IdentityKey key) {
        this.key = key.bytes();
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

    /**
     * One buffer per thread, reused by every hash it builds: a fingerprint holds ~600 bytes of
     * fields, and growing a fresh buffer to that size for every cache hit was a third of the hit's
     * allocation. A builder that finds it taken (a hash inside a hash) uses a buffer of its own.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        byte[] buf = new byte[1024];
        /** A field's chars, copied out of its String at once: a loop over an array, not over charAt. */
        char[] chars = new char[256];
        boolean taken;
    }

    /** Starts a hash over length-prefixed fields, so ("ab","c") and ("a","bc") never collide. */
    Builder newHash() {
        Scratch s = SCRATCH.get();
        if (s.taken) {
            return new Builder(null, new byte[256]);
        }
        s.taken = true;
        return new Builder(s, s.buf);
    }

    /** A short salted hash of a user name for events and opt-in metric tags. */
    String shortHash(String value) {
        return value == null ? "-" : newHash().field("user").field(value).finish().substring(0, 12);
    }

    private byte[] mac(byte[] data, int length) {
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            mac = newMac(key); // a provider whose Mac cannot be cloned: the slow way, still correct
        }
        mac.update(data, 0, length);
        return mac.doFinal();
    }

    /**
     * Collects the fields in one buffer and hands it to the Mac once: on a cache hit this hash is
     * most of the guard's own work, and a Mac update per field costs more than the copying.
     */
    final class Builder {
        /** The thread's scratch this builder holds until it finishes; null for a buffer of its own. */
        private final Scratch scratch;
        private byte[] buf;
        private int len;
        private char[] ownChars;
        /** How much of the char scratch held a field: cleared when the hash is done. */
        private int charsUsed;

        private Builder(Scratch scratch, byte[] buf) {
            this.scratch = scratch;
            this.buf = buf;
        }

        Builder field(String value) {
            if (value == null) {
                return absent();
            }
            int n = value.length();
            char[] cs = chars(n);
            value.getChars(0, n, cs, 0);
            prefix(n);
            int start = len;
            for (int i = 0; i < n; i++) {
                char c = cs[i];
                if (c >= 0x80) {
                    // Not ASCII: its UTF-8 bytes instead (the prefix rewritten with their length).
                    len = start - 5;
                    return bytes(value.getBytes(StandardCharsets.UTF_8));
                }
                buf[start + i] = (byte) c;
            }
            // ASCII: its UTF-8 bytes are its chars.
            len = start + n;
            return this;
        }

        /** Room for n chars: the thread's scratch (cleared in finish), else an array of this builder's. */
        private char[] chars(int n) {
            char[] cs = scratch != null ? scratch.chars : ownChars;
            if (cs == null || cs.length < n) {
                cs = new char[Math.max(n, cs == null ? 64 : cs.length * 2)];
                if (scratch != null) {
                    scratch.chars = cs;
                } else {
                    ownChars = cs;
                }
            }
            charsUsed = Math.max(charsUsed, n);
            return cs;
        }

        /**
         * Every UTF-16 unit as is: lossless even for lone surrogates (a JSON "\\ud800"), which
         * {@link #field} would encode as '?' like any other unpaired surrogate.
         */
        Builder chars(String value) {
            if (value == null) {
                return absent();
            }
            int n = value.length();
            prefix(n * 2);
            for (int i = 0; i < n; i++) {
                char c = value.charAt(i);
                buf[len++] = (byte) (c >>> 8);
                buf[len++] = (byte) c;
            }
            return this;
        }

        Builder bytes(byte[] value) {
            if (value == null) {
                return absent();
            }
            prefix(value.length);
            System.arraycopy(value, 0, buf, len, value.length);
            len += value.length;
            return this;
        }

        private Builder absent() {
            ensure(5);
            Arrays.fill(buf, len, len + 5, (byte) 0);
            len += 5;
            return this;
        }

        /** Reserves room for the 5-byte prefix and n bytes, and writes the prefix: present, then the length. */
        private void prefix(int n) {
            ensure(5 + n);
            buf[len++] = 1;
            buf[len++] = (byte) (n >>> 24);
            buf[len++] = (byte) (n >>> 16);
            buf[len++] = (byte) (n >>> 8);
            buf[len++] = (byte) n;
        }

        private void ensure(int more) {
            if (buf.length - len < more) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
            }
        }

        String finish() {
            try {
                return KEY_ENCODING.encodeToString(mac(buf, len));
            } finally {
                if (scratch != null) {
                    // Credentials do not linger in a buffer that lives as long as its thread.
                    Arrays.fill(buf, 0, len, (byte) 0);
                    Arrays.fill(scratch.chars, 0, Math.min(charsUsed, scratch.chars.length), '\0');
                    // Keep a grown buffer for the next hash.
                    scratch.buf = buf;
                    scratch.taken = false;
                }
            }
        }
    }
}
