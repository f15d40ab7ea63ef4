package io.tokenguard.agent.jose;

import static io.tokenguard.agent.jose.TestJwts.b64;
import static io.tokenguard.agent.jose.TestJwts.sign;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * EdwardsKeys, attacked after 6d1cb41: every key a holder can make still verifies (either sign of x), every
 * small-order point is refused with either sign bit, every non-canonical encoding is refused, on both curves.
 */
class EdwardsKeysTest {
    private static final long NOW = 1_800_000_000L;
    private static final BigInteger P25519 = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    private static final BigInteger P448 = BigInteger.ONE.shiftLeft(448).subtract(BigInteger.ONE.shiftLeft(224))
            .subtract(BigInteger.ONE);
    private static final BigInteger Y8 = new BigInteger(
            "05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826", 16);

    private static KeyPair pair(String curve) {
        try {
            return KeyPairGenerator.getInstance(curve).generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int size(String crv) {
        return "Ed25519".equals(crv) ? 32 : 57;
    }

    private static byte[] raw(PublicKey key, String crv) {
        byte[] spki = key.getEncoded();
        return Arrays.copyOfRange(spki, spki.length - size(crv), spki.length);
    }

    private static String jwk(String crv, byte[] x) {
        return "{\"kty\":\"OKP\",\"crv\":\"" + crv + "\",\"x\":\"" + b64(x) + "\"}";
    }

    private static PublicKey key(String crv, byte[] x) {
        return JwkPublicKeys.of(Map.of("kty", "OKP", "crv", crv, "x", b64(x)));
    }

    /** y little-endian in the curve's encoding, with the x sign bit as given. */
    private static byte[] encode(String crv, BigInteger y, boolean xNegative) {
        int n = size(crv);
        byte[] out = new byte[n];
        byte[] big = y.toByteArray();
        for (int i = 0; i < big.length && i < n; i++) {
            out[i] = big[big.length - 1 - i];
        }
        if (xNegative) {
            out[n - 1] |= (byte) 0x80;
        }
        return out;
    }

    private static String claims() {
        return "{\"iss\":\"alice\",\"sub\":\"alice\",\"exp\":" + (NOW + 60) + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
    }

    private static boolean refused(PublicKey k) {
        return k == null || !EdwardsKeys.holdable(k) || !JwsAlgorithm.EdDSA.fits(k);
    }

    @Test
    void randomKeysOfBothCurvesStillVerifyUnderTheirOwnThumbprint() {
        for (String crv : new String[] {"Ed25519", "Ed448"}) {
            int negatives = 0;
            for (int i = 0; i < 64; i++) {
                KeyPair p = pair(crv);
                byte[] x = raw(p.getPublic(), crv);
                negatives += (x[x.length - 1] & 0x80) != 0 ? 1 : 0;
                PublicKey k = key(crv, x);
                assertThat(k).as(crv).isNotNull();
                assertThat(EdwardsKeys.holdable(k)).as(crv + " " + b64(x)).isTrue();
                assertThat(EdwardsKeys.holdable(p.getPublic())).isTrue();
                String a = sign("EdDSA", p.getPrivate(), "{\"alg\":\"EdDSA\",\"jwk\":" + jwk(crv, x) + "}", claims());
                VerifiedJwt v = AssertionVerifier.verified(a, TrustedKeys.NONE, NOW);
                assertThat(v).as(crv).isNotNull();
                assertThat(v.identity()).contains("key=" + KeyThumbprint.of(p.getPublic()));
                // DPoP proofs too.
                String proof = sign("EdDSA", p.getPrivate(), "{\"typ\":\"dpop+jwt\",\"alg\":\"EdDSA\",\"jwk\":"
                        + jwk(crv, x) + "}", "{\"jti\":\"" + UUID.randomUUID() + "\",\"htm\":\"POST\",\"htu\":"
                        + "\"https://as.example/token\",\"iat\":" + NOW + "}");
                assertThat(DpopProofs.verified(proof, "POST", "https://as.example/token"::equals, NOW, 300))
                        .as(crv).isNotNull();
            }
            // Keys with either sign of x were among them (so the sign bit is not what is refused).
            assertThat(negatives).as(crv).isBetween(1, 63);
        }
    }

    @Test
    void theOtherSignOfXIsAnotherKeyUnderWhichTheHoldersSignatureNeverVerifies() {
        for (String crv : new String[] {"Ed25519", "Ed448"}) {
            KeyPair p = pair(crv);
            byte[] x = raw(p.getPublic(), crv);
            byte[] flipped = x.clone();
            flipped[flipped.length - 1] ^= (byte) 0x80;
            String claims = claims();
            String a = sign("EdDSA", p.getPrivate(), "{\"alg\":\"EdDSA\",\"jwk\":" + jwk(crv, flipped) + "}", claims);
            assertThat(AssertionVerifier.verified(a, TrustedKeys.NONE, NOW)).as(crv).isNull();
            PublicKey k = key(crv, flipped);
            if (k != null) {
                assertThat(KeyThumbprint.of(k)).isNotEqualTo(KeyThumbprint.of(p.getPublic()));
            }
        }
    }

    @Test
    void everySmallOrderEd25519PointIsRefusedWithEitherSignBitAndEveryEncoding() {
        List<BigInteger> ys = new ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE, P25519.subtract(BigInteger.ONE),
                Y8, P25519.subtract(Y8)));
        // Non-canonical: y + p for every y < 19 (2^255 - 1 is the largest 255-bit y).
        for (int y = 0; y < 19; y++) {
            ys.add(P25519.add(BigInteger.valueOf(y)));
        }
        for (BigInteger y : ys) {
            for (boolean neg : new boolean[] {false, true}) {
                PublicKey k = key("Ed25519", encode("Ed25519", y, neg));
                assertThat(refused(k)).as("y=" + y.toString(16) + " neg=" + neg).isTrue();
            }
        }
    }

    @Test
    void everySmallOrderEd448PointAndEveryNonCanonicalEncodingIsRefused() {
        List<BigInteger> ys = new ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE, P448.subtract(BigInteger.ONE)));
        for (int y = 0; y < 8; y++) {
            ys.add(P448.add(BigInteger.valueOf(y)));
        }
        ys.add(BigInteger.ONE.shiftLeft(448).subtract(BigInteger.ONE));
        for (BigInteger y : ys) {
            for (boolean neg : new boolean[] {false, true}) {
                PublicKey k = key("Ed448", encode("Ed448", y, neg));
                assertThat(refused(k)).as("y=" + y.toString(16) + " neg=" + neg).isTrue();
            }
        }
        // A holder's key with any other bit of the last byte set is not its encoding.
        byte[] x = raw(pair("Ed448").getPublic(), "Ed448");
        for (int bit = 0; bit < 7; bit++) {
            byte[] odd = x.clone();
            odd[56] |= (byte) (1 << bit);
            assertThat(refused(key("Ed448", odd))).as("bit " + bit).isTrue();
        }
    }

    @Test
    void aKeylessEd448SignatureUnderTheNeutralPointNeverVerifies() {
        // R = the neutral point (y = 1), S = 0: [S]B = R + [k]A for A the neutral point, whatever the message.
        byte[] neutral = encode("Ed448", BigInteger.ONE, false);
        byte[] sig = new byte[114];
        System.arraycopy(neutral, 0, sig, 0, 57);
        for (BigInteger y : List.of(BigInteger.ONE, P448.subtract(BigInteger.ONE), BigInteger.ZERO, P448,
                P448.add(BigInteger.ONE))) {
            for (boolean neg : new boolean[] {false, true}) {
                String header = "{\"alg\":\"EdDSA\",\"jwk\":" + jwk("Ed448", encode("Ed448", y, neg)) + "}";
                String a = b64(header) + "." + b64(claims()) + "." + b64(sig);
                assertThat(AssertionVerifier.verified(a, TrustedKeys.NONE, NOW)).as("y=" + y.toString(16)).isNull();
                String proofHeader = "{\"typ\":\"dpop+jwt\",\"alg\":\"EdDSA\",\"jwk\":" + jwk("Ed448",
                        encode("Ed448", y, neg)) + "}";
                String proof = b64(proofHeader) + "." + b64("{\"jti\":\"j\",\"htm\":\"POST\",\"htu\":"
                        + "\"https://as.example/token\",\"iat\":" + NOW + "}") + "." + b64(sig);
                assertThat(DpopProofs.verified(proof, "POST", "https://as.example/token"::equals, NOW, 300)).isNull();
            }
        }
    }

    @Test
    void aKeylessEd25519SignatureUnderEverySmallOrderPointNeverVerifies() {
        byte[] neutral = encode("Ed25519", BigInteger.ONE, false);
        // R = each small-order point in turn (with S = 0 the check is R + [k]A = 0, true for some messages).
        List<BigInteger> ys = List.of(BigInteger.ONE, P25519.subtract(BigInteger.ONE), BigInteger.ZERO, Y8,
                P25519.subtract(Y8), P25519, P25519.add(BigInteger.ONE));
        for (BigInteger keyY : ys) {
            for (boolean keyNeg : new boolean[] {false, true}) {
                for (BigInteger rY : ys) {
                    for (boolean rNeg : new boolean[] {false, true}) {
                        byte[] sig = new byte[64];
                        System.arraycopy(encode("Ed25519", rY, rNeg), 0, sig, 0, 32);
                        for (int m = 0; m < 4; m++) {
                            String header = "{\"alg\":\"EdDSA\",\"jwk\":" + jwk("Ed25519", encode("Ed25519", keyY,
                                    keyNeg)) + "}";
                            String a = b64(header) + "." + b64(claims()) + "." + b64(sig);
                            assertThat(AssertionVerifier.verified(a, TrustedKeys.NONE, NOW)).isNull();
                        }
                    }
                }
            }
        }
        assertThat(neutral[0]).isEqualTo((byte) 1);
    }
}
