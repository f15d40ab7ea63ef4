package io.tokenguard.agent.fleet;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Every value TokenGuard writes to Redis, sealed with AES-256-GCM: a version byte, the id of the
 * key that sealed it, a random 96-bit nonce, then the ciphertext and its tag. The Redis key name
 * is the associated data, so a value copied under another key does not open. A value that does
 * not open (another fleet key, a retired key, corrupt, truncated, another version) is null: a
 * miss, never an exception.
 */
public final class FleetCipher {
    static final byte VERSION = 1;
    private static final int KEY_ID_BYTES = 4;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int HEADER = 1 + KEY_ID_BYTES + NONCE_BYTES;
    private final byte[][] keys;
    private final int[] keyIds;
    private final SecureRandom random = new SecureRandom();

    /** keys[0] seals; every one opens. Each key is 32 bytes (AES-256). */
    FleetCipher(byte[][] keys, int[] keyIds) {
        this.keys = keys;
        this.keyIds = keyIds;
    }

    public byte[] seal(byte[] associatedData, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys[0], "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(associatedData);
            byte[] sealed = c.doFinal(plaintext);
            return ByteBuffer.allocate(HEADER + sealed.length).put(VERSION).putInt(keyIds[0]).put(nonce).put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM unavailable", e);
        }
    }

    /** The plaintext, or null when this value does not open under any key of the ring with this associated data. */
    public byte[] open(byte[] associatedData, byte[] value) {
        if (value == null || value.length < HEADER + TAG_BITS / 8 || value[0] != VERSION) {
            return null;
        }
        int id = ByteBuffer.wrap(value, 1, KEY_ID_BYTES).getInt();
        for (int i = 0; i < keys.length; i++) {
            if (keyIds[i] != id) {
                continue;
            }
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keys[i], "AES"),
                        new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(value, 1 + KEY_ID_BYTES, HEADER)));
                c.updateAAD(associatedData);
                return c.doFinal(value, HEADER, value.length - HEADER);
            } catch (GeneralSecurityException e) {
                // Tampered, or another key with the same id: try the next one, else a miss.
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "FleetCipher[" + keys.length + " keys, hidden]";
    }
}
