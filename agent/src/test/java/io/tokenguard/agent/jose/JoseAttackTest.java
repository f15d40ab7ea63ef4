package io.tokenguard.agent.jose;

import static io.tokenguard.agent.jose.TestJwts.b64;
import static io.tokenguard.agent.jose.TestJwts.jwk;
import static io.tokenguard.agent.jose.TestJwts.sign;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Hostile review of the JOSE readers: claims that differ never read the same, a key nobody holds never
 * verifies, and headers naming one key never lend its identity to another's signature.
 */
class JoseAttackTest {
    private static final long NOW = 1_800_000_000L;
    private static final KeyPair ALICE = TestJwts.rsa();
    private static final KeyPair MALLORY = TestJwts.rsa();
    private static final String URL = "https://as.example/token";

    private static VerifiedJwt verified(String jwt) {
        return AssertionVerifier.verified(jwt, TrustedKeys.NONE, NOW);
    }

    private static String withJwk(KeyPair keys, String claims) {
        return sign("RS256", keys.getPrivate(), "{\"alg\":\"RS256\",\"jwk\":" + jwk(keys.getPublic()) + "}", claims);
    }

    /** Payload bodies (without the braces' exp) that a server reads as different claims. */
    private static final String[] DIFFERENT = {
        "\"sub\":\"alice\"",
        "\"sub\":\"alice\\u0000\"",
        "\"sub\":\"alice \"",
        "\"sub\":\"Alice\"",
        "\"sub\":\"\\ud800\"",
        "\"sub\":\"\\udbff\"",
        "\"sub\":\"\\ufffd\"",
        "\"sub\":[\"alice\"]",
        "\"sub\":{\"alice\":null}",
        "\"sub\":null",
        "\"sub\":\"null\"",
        "\"sub\":true",
        "\"sub\":\"t\"",
        "\"sub\":false",
        "\"sub\":\"b\"",
        "\"sub\":1",
        "\"sub\":1.0",
        "\"sub\":1e0",
        "\"sub\":10e-1",
        "\"sub\":\"1\"",
        "\"sub\":-0",
        "\"sub\":0",
        "\"sub\":[]",
        "\"sub\":{}",
        "\"sub\":[[]]",
        "\"sub\":[{}]",
        "\"sub\":[\"a\",\"b\"]",
        "\"sub\":[\"ab\"]",
        "\"sub\":[\"a\",[\"b\"]]",
        "\"sub\":[[\"a\"],\"b\"]",
        "\"sub\":{\"a\":1,\"b\":2}",
        "\"sub\":{\"b\":2,\"a\":1}",
        "\"sub\":{\"a\":{\"b\":1}}",
        "\"sub\":{\"a\":{},\"b\":1}",
        // Names and values that would run into each other without their lengths.
        "\"su\":\"balice\"",
        "\"s\":\"ub\",\"u\":\"alice\"",
        "\"sub\":\"a\",\"x\":\"lice\"",
        "\"sub\":\"a\\u00003:xs4:lice\"",
        "\"sub\":\"a\",\"3:x\":\"lice\"",
        "\"5:sub\\u0000s5:alice\":1",
        "\"sub\":\"s5:alice\"",
        "\"sub\":\"alice\",\"iss\":\"x\"",
        "\"sub\":\"alice\",\"jti2\":\"x\"",
        "\"sub\":\"alice\",\"JTI\":\"x\"",
        "\"sub\":\"alice\",\"aud\":[\"x\"]",
        "\"sub\":\"alice\",\"aud\":\"x\"",
        "\"\":\"alice\"",
        "\"sub\":\"\"",
        "\"sub\\u0000\":\"alice\"",
    };

    @Test
    void claimsThatAServerReadsDifferentlyNeverReadTheSame() {
        Map<String, String> seen = new HashMap<>();
        List<String> collisions = new ArrayList<>();
        for (String body : DIFFERENT) {
            String jwt = withJwk(ALICE, "{" + body + ",\"exp\":" + (NOW + 60) + ",\"jti\":\"" + UUID.randomUUID() + "\"}");
            VerifiedJwt v = verified(jwt);
            assertThat(v).as(body).isNotNull();
            String before = seen.put(v.identity(), body);
            if (before != null) {
                collisions.add(before + " == " + body);
            }
            VerifiedJwt u = AssertionVerifier.unverified(jwt, NOW);
            assertThat(u).as(body).isNotNull();
        }
        assertThat(collisions).isEmpty();
    }

    @Test
    void perRequestClaimsAsOtherTypesOrDuplicatesAreNeverAWayToCollide() {
        // exp as a float or string, or duplicated: not read at all (exact bytes), never the same reading.
        assertThat(verified(withJwk(ALICE, "{\"sub\":\"a\",\"exp\":" + (NOW + 60) + ".0}"))).isNull();
        assertThat(verified(withJwk(ALICE, "{\"sub\":\"a\",\"exp\":" + (NOW + 60) + ",\"exp\":" + (NOW + 61) + "}")))
                .isNull();
        assertThat(verified(withJwk(ALICE, "{\"sub\":\"a\",\"\\u0065xp\":" + (NOW + 60) + ",\"exp\":" + (NOW + 61)
                + "}"))).isNull();
        assertThat(verified(withJwk(ALICE, "{\"sub\":\"a\",\"sub\":\"b\",\"exp\":" + (NOW + 60) + "}"))).isNull();
        assertThat(verified(withJwk(ALICE, "{\"sub\":\"a\",\"x\":{\"k\":1,\"k\":2},\"exp\":" + (NOW + 60) + "}")))
                .isNull();
        // A claim name spelled with escapes is the same name: equal readings are right here (same JSON).
        String plain = verified(withJwk(ALICE, "{\"sub\":\"alice\",\"exp\":" + (NOW + 60) + "}")).identity();
        assertThat(verified(withJwk(ALICE, "{\"\\u0073ub\":\"\\u0061lice\",\"exp\":" + (NOW + 99) + "}")).identity())
                .isEqualTo(plain);
    }

    @Test
    void aHeaderNamingAliceNeverLendsHerIdentityToMallorysSignature() throws Exception {
        String claims = "{\"iss\":\"alice\",\"exp\":" + (NOW + 60) + "}";
        String alice = verified(withJwk(ALICE, claims)).identity();
        String aliceJwk = jwk(ALICE.getPublic());
        String malloryJwk = jwk(MALLORY.getPublic());
        String[] headers = {
            "{\"alg\":\"RS256\",\"jwk\":" + aliceJwk + "}",
            "{\"alg\":\"RS256\",\"jwk\":" + aliceJwk.replace("}", ",\"use\":\"sig\",\"kid\":\"a\"}") + "}",
            "{\"alg\":\"RS256\",\"jwk\":" + aliceJwk.replace("\"kty\":\"RSA\",", "\"kty\":\"RSA\",\"kty2\":\"EC\",") + "}",
            "{\"alg\":\"RS256\",\"kid\":\"alice\",\"jwk\":" + malloryJwk + "}",
            "{\"alg\":\"PS256\",\"jwk\":" + aliceJwk + "}",
        };
        for (String h : headers) {
            VerifiedJwt v = verified(sign("RS256", MALLORY.getPrivate(), h, claims));
            assertThat(v == null ? null : v.identity()).as(h).isNotEqualTo(alice);
        }
        // A configured key of Alice's and Mallory's jwk: Mallory's signature reads as Mallory.
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("jose-attack");
        java.nio.file.Path pem = java.nio.file.Files.writeString(dir.resolve("a.pem"), TestJwts.pem(ALICE.getPublic()));
        TrustedKeys configured = TrustedKeys.load(List.of(pem));
        String viaConfigured = AssertionVerifier.verified(sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\"}",
                claims), configured, NOW).identity();
        assertThat(viaConfigured).isEqualTo(alice);
        VerifiedJwt m = AssertionVerifier.verified(sign("RS256", MALLORY.getPrivate(), "{\"alg\":\"RS256\",\"kid\":"
                + "\"alice\",\"jwk\":" + malloryJwk + "}", claims), configured, NOW);
        assertThat(m.identity()).isNotEqualTo(alice);
    }

    @Test
    void mismatchedKeyKindsAndWeakRsaKeysNeverVerify() {
        KeyPair p256 = TestJwts.ec("secp256r1");
        KeyPair p521 = TestJwts.ec("secp521r1");
        String claims = "{\"iss\":\"a\",\"exp\":" + (NOW + 60) + "}";
        // RSA key used with an ES alg; ES512 over a P-256 key; ES256 signature under an ES512 name.
        assertThat(verified(sign("RS256", ALICE.getPrivate(), "{\"alg\":\"ES256\",\"jwk\":" + jwk(ALICE.getPublic())
                + "}", claims))).isNull();
        assertThat(verified(sign("ES256", p256.getPrivate(), "{\"alg\":\"ES512\",\"jwk\":" + jwk(p256.getPublic())
                + "}", claims))).isNull();
        assertThat(verified(sign("ES512", p521.getPrivate(), "{\"alg\":\"ES256\",\"jwk\":" + jwk(p521.getPublic())
                + "}", claims))).isNull();
        // EdDSA named over an RSA key.
        assertThat(verified(sign("RS256", ALICE.getPrivate(), "{\"alg\":\"EdDSA\",\"jwk\":" + jwk(ALICE.getPublic())
                + "}", claims))).isNull();
        // RSA public exponent 1 (the "signature" is the padded digest itself: anyone could make it).
        String input = b64("{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"RSA\",\"n\":\""
                + b64(((java.security.interfaces.RSAPublicKey) ALICE.getPublic()).getModulus().toByteArray())
                + "\",\"e\":\"AQ\"}}") + "." + b64(claims);
        assertThat(verified(input + "." + b64(pkcs1(input)))).isNull();
        // An off-curve EC point.
        String offCurve = "{\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + b64(new byte[32])
                + "\",\"y\":\"" + b64(new byte[] {1}) + "\"}}";
        assertThat(verified(b64(offCurve) + "." + b64(claims) + "." + b64(new byte[64]))).isNull();
        assertThat(verified(b64(offCurve) + "." + b64(claims) + "." + b64(new byte[] {0}))).isNull();
    }

    /** EMSA-PKCS1-v1_5 of SHA-256 over the input, 256 bytes: under e = 1 this is its own signature. */
    private static byte[] pkcs1(String input) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(input.getBytes(StandardCharsets.US_ASCII));
            byte[] prefix = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20};
            byte[] em = new byte[256];
            em[1] = 1;
            int t = prefix.length + digest.length;
            for (int i = 2; i < 256 - t - 1; i++) {
                em[i] = (byte) 0xff;
            }
            System.arraycopy(prefix, 0, em, 256 - t, prefix.length);
            System.arraycopy(digest, 0, em, 256 - digest.length, digest.length);
            return em;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- keys nobody holds

    /** Ed25519's identity point (y = 1): a "key" under which R = identity, S = 0 verifies any message. */
    private static final String ED25519_IDENTITY = b64(identityPoint());

    private static byte[] identityPoint() {
        byte[] x = new byte[32];
        x[0] = 1;
        return x;
    }

    private static String forgedEd25519(String header, String claims) {
        String input = b64(header) + "." + b64(claims);
        byte[] sig = new byte[64];
        sig[0] = 1;
        return input + "." + b64(sig);
    }

    @Test
    void anEd25519KeyNobodyHoldsNeverVerifiesAnAssertion() {
        String header = "{\"alg\":\"EdDSA\",\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + ED25519_IDENTITY
                + "\"}}";
        String a = forgedEd25519(header, "{\"iss\":\"alice\",\"exp\":" + (NOW + 60) + "}");
        assertThat(verified(a)).as("forged without any private key").isNull();
    }

    @Test
    void anEd25519KeyNobodyHoldsNeverVerifiesADpopProof() {
        String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"EdDSA\",\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\""
                + ED25519_IDENTITY + "\"}}";
        String proof = forgedEd25519(header, "{\"jti\":\"" + UUID.randomUUID() + "\",\"htm\":\"POST\",\"htu\":\"" + URL
                + "\",\"iat\":" + NOW + "}");
        assertThat(DpopProofs.verified(proof, "POST", URL::equals, NOW, 300)).as("forged without any private key")
                .isNull();
    }

    @Test
    void aDpopProofsClaimsOrExtraJwkMembersNeverChangeWhoseKeyItIs() {
        KeyPair a = TestJwts.ec("secp256r1");
        KeyPair b = TestJwts.ec("secp256r1");
        String base = DpopProofs.verified(proof(a, jwk(a.getPublic()), ""), "POST", URL::equals, NOW, 300).identity();
        // B signing with A's jwk (extra members or not): never verifies.
        assertThat(DpopProofs.verified(proof(b, jwk(a.getPublic()), ""), "POST", URL::equals, NOW, 300)).isNull();
        assertThat(DpopProofs.verified(proof(b, jwk(a.getPublic()).replace("}", ",\"kid\":\"b\"}"), ""), "POST",
                URL::equals, NOW, 300)).isNull();
        // x5c naming B's key does not matter to a DPoP proof: only its jwk.
        VerifiedJwt withB = DpopProofs.verified(proof(b, jwk(b.getPublic()), ",\"x5c\":[\"AAAA\"]"), "POST",
                URL::equals, NOW, 300);
        assertThat(withB == null ? null : withB.identity()).isNotEqualTo(base);
        // htm / htu / iat / jti of the wrong type.
        for (String claims : new String[] {
            "{\"jti\":1,\"htm\":\"POST\",\"htu\":\"" + URL + "\",\"iat\":" + NOW + "}",
            "{\"jti\":\"j\",\"htm\":[\"POST\"],\"htu\":\"" + URL + "\",\"iat\":" + NOW + "}",
            "{\"jti\":\"j\",\"htm\":\"POST\",\"htu\":[\"" + URL + "\"],\"iat\":" + NOW + "}",
            "{\"jti\":\"j\",\"htm\":\"POST\",\"htu\":\"" + URL + "\",\"iat\":\"" + NOW + "\"}",
            "{\"jti\":\"j\",\"htm\":\"POST\",\"htu\":\"" + URL + "\",\"iat\":" + NOW + ".5}",
            "{\"jti\":\"j\",\"htm\":\"POST\",\"htm\":\"GET\",\"htu\":\"" + URL + "\",\"iat\":" + NOW + "}",
        }) {
            String p = sign("ES256", a.getPrivate(), "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":"
                    + jwk(a.getPublic()) + "}", claims);
            assertThat(DpopProofs.verified(p, "POST", URL::equals, NOW, 300)).as(claims).isNull();
        }
        assertThat(new String(base.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(base);
    }

    private static String proof(KeyPair signer, String jwkJson, String headerExtra) {
        return sign("ES256", signer.getPrivate(), "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + jwkJson
                + headerExtra + "}", "{\"jti\":\"" + UUID.randomUUID() + "\",\"htm\":\"POST\",\"htu\":\"" + URL
                + "\",\"iat\":" + NOW + "}");
    }

    @Test
    void readingsNeverPrintClaims() {
        VerifiedJwt v = verified(withJwk(ALICE, "{\"sub\":\"secret-user\",\"exp\":" + (NOW + 60) + "}"));
        assertThat(v.toString()).doesNotContain("secret-user").doesNotContain("key=");
    }
}
