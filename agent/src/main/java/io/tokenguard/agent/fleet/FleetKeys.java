package io.tokenguard.agent.fleet;

import io.tokenguard.agent.config.FleetKeyRing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What the fleet's key ring becomes (HKDF, RFC 5869), one key per purpose so that none can stand in
 * for another:
 * <ul>
 * <li>the identity secret: fingerprints, throttle and cooldown keys, and the short user hashes of
 *     events and metrics (the guard's one IdentityKey serves them all, each hash domain-separated
 *     by its first field), derived from the ring's <b>last</b> key, so that putting a new key first
 *     rotates the encryption without changing a single key name in Redis;</li>
 * <li>the namespace: the prefix of every Redis key, a hash of the fleet name (also from the last key);</li>
 * <li>per ring key, an AES-256 key and a 4-byte key id (the first key seals, all open).</li>
 * </ul>
 */
public final class FleetKeys {
    private static final byte[] SALT = "tokenguard fleet v1".getBytes(StandardCharsets.US_ASCII);
    private final byte[] identitySecret;
    private final String namespace;
    private final FleetCipher cipher;

    private FleetKeys(byte[] identitySecret, String namespace, FleetCipher cipher) {
        this.identitySecret = identitySecret;
        this.namespace = namespace;
        this.cipher = cipher;
    }

    public static FleetKeys derive(FleetKeyRing ring, String fleetName) {
        byte[] anchor = ring.key(ring.size() - 1);
        byte[] identity = Hkdf.derive(SALT, anchor, info("identity"), 32);
        byte[] nsKey = Hkdf.derive(SALT, anchor, info("namespace"), 32);
        byte[] ns = Hkdf.derive(nsKey, fleetName.getBytes(StandardCharsets.UTF_8), info("fleet name"), 12);
        byte[][] aes = new byte[ring.size()][];
        int[] ids = new int[ring.size()];
        for (int i = 0; i < ring.size(); i++) {
            byte[] k = ring.key(i);
            aes[i] = Hkdf.derive(SALT, k, info("aes-256-gcm"), 32);
            ids[i] = ByteBuffer.wrap(Hkdf.derive(SALT, k, info("key id"), 4)).getInt();
        }
        String prefix = "tg:" + Base64.getUrlEncoder().withoutPadding().encodeToString(ns) + ":";
        return new FleetKeys(identity, prefix, new FleetCipher(aes, ids));
    }

    private static byte[] info(String purpose) {
        return ("tokenguard " + purpose).getBytes(StandardCharsets.US_ASCII);
    }

    /** 32 bytes for the guard's IdentityKey. A copy. */
    public byte[] identitySecret() {
        return identitySecret.clone();
    }

    /** "tg:&lt;hash of the fleet name&gt;:": every key TokenGuard writes starts with it. */
    public String namespace() {
        return namespace;
    }

    public FleetCipher cipher() {
        return cipher;
    }

    @Override
    public String toString() {
        return "FleetKeys[hidden]";
    }
}
