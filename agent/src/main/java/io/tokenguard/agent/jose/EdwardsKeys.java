package io.tokenguard.agent.jose;

import java.math.BigInteger;
import java.security.PublicKey;

/**
 * Ed25519 and Ed448 public keys that no one holds: the small-order points (RFC 8032 leaves rejecting
 * them to the verifier, and the JDK accepts them), under which a signature of the neutral point and
 * S = 0 verifies over any message without any private key; and non-canonical encodings of a
 * coordinate (y ≥ p), which spell such points another way. Such a key proves no signer, so nothing
 * verifies under it.
 */
final class EdwardsKeys {
    private static final BigInteger P25519 = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    private static final BigInteger P448 = BigInteger.ONE.shiftLeft(448).subtract(BigInteger.ONE.shiftLeft(224))
            .subtract(BigInteger.ONE);
    /** y of Ed25519's points of order 8 (the other is p minus it); orders 1, 2 and 4 have y = 1, p − 1, 0. */
    private static final BigInteger Y_ORDER_8 = new BigInteger(
            "5fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826", 16);
    /** SPKI lengths: a 12-byte prefix, then the encoded point. */
    private static final int ED25519_SPKI = 44;
    private static final int ED448_SPKI = 69;

    private EdwardsKeys() {
    }

    static boolean holdable(PublicKey key) {
        byte[] spki = key.getEncoded();
        if (spki == null) {
            return false;
        }
        if (spki.length == ED25519_SPKI) {
            BigInteger y = littleEndian(spki, 12, 32, 0x7f);
            return y.compareTo(P25519) < 0 && y.signum() != 0 && !y.equals(BigInteger.ONE)
                    && !y.equals(P25519.subtract(BigInteger.ONE)) && !y.equals(Y_ORDER_8)
                    && !y.equals(P25519.subtract(Y_ORDER_8));
        }
        if (spki.length == ED448_SPKI) {
            // The last byte holds only x's sign: any other bit set is not a canonical encoding.
            if ((spki[ED448_SPKI - 1] & 0x7f) != 0) {
                return false;
            }
            BigInteger y = littleEndian(spki, 12, 56, 0xff);
            // Ed448's cofactor is 4: orders 1, 2 and 4 have y = 1, p − 1 and 0.
            return y.compareTo(P448) < 0 && y.signum() != 0 && !y.equals(BigInteger.ONE)
                    && !y.equals(P448.subtract(BigInteger.ONE));
        }
        return false;
    }

    /** The unsigned little-endian number of bytes[from, from + length), the last byte masked. */
    private static BigInteger littleEndian(byte[] bytes, int from, int length, int lastMask) {
        byte[] big = new byte[length];
        for (int i = 0; i < length; i++) {
            big[length - 1 - i] = bytes[from + i];
        }
        big[0] &= (byte) lastMask;
        return new BigInteger(1, big);
    }
}
