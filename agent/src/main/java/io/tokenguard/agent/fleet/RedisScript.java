package io.tokenguard.agent.fleet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** A Lua script sent by its SHA-1 (EVALSHA), and in full only when the server does not know it yet. */
public final class RedisScript {
    final byte[] source;
    final byte[] sha1;

    public RedisScript(String source) {
        this.source = source.getBytes(StandardCharsets.UTF_8);
        this.sha1 = hex(sha1(this.source)).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder(b.length * 2);
        for (byte x : b) {
            s.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return s.toString();
    }
}
