package io.tokenguard.agent.jose;

import static io.tokenguard.agent.jose.TestJwts.b64;
import static io.tokenguard.agent.jose.TestJwts.jwk;
import static io.tokenguard.agent.jose.TestJwts.sign;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Assertions read as their signer and claims only when the signature verifies; anything else is null. */
class AssertionVerifierTest {
    private static final long NOW = 1_800_000_000L;
    private static final KeyPair ALICE = TestJwts.rsa();
    private static final KeyPair MALLORY = TestJwts.rsa();

    @TempDir
    Path dir;

    /** A service account's assertion as google-auth-library writes one: a fresh jti and iat each time. */
    static String claims(String iss, long iat) {
        return "{\"iss\":\"" + iss + "\",\"aud\":\"https://oauth2.googleapis.com/token\",\"scope\":\"email\",\"iat\":"
                + iat + ",\"exp\":" + (iat + 3600) + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
    }

    static String withJwk(String alg, KeyPair keys, String claims) {
        return sign(alg, keys.getPrivate(), "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"jwk\":" + jwk(keys.getPublic())
                + "}", claims);
    }

    private static VerifiedJwt verified(String jwt) {
        return AssertionVerifier.verified(jwt, TrustedKeys.NONE, NOW);
    }

    @Test
    void freshAssertionsOfOneSignerReadTheSame() {
        VerifiedJwt first = verified(withJwk("RS256", ALICE, claims("sa@p.iam", NOW)));
        VerifiedJwt second = verified(withJwk("RS256", ALICE, claims("sa@p.iam", NOW + 7)));
        assertThat(first).isNotNull();
        assertThat(second.identity()).isEqualTo(first.identity());
        assertThat(first.identity()).contains("key=" + KeyThumbprint.of(ALICE.getPublic())).doesNotContain("jti");
        assertThat(second.expiresAtSeconds()).isEqualTo(NOW + 7 + 3600);
    }

    @Test
    void otherClaimsOrAnotherKeyReadDifferently() {
        String alice = verified(withJwk("RS256", ALICE, claims("sa@p.iam", NOW))).identity();
        assertThat(verified(withJwk("RS256", ALICE, claims("other@p.iam", NOW))).identity()).isNotEqualTo(alice);
        // A forger copying the claims, with a key of its own in the header: verifies, but as the forger.
        assertThat(verified(withJwk("RS256", MALLORY, claims("sa@p.iam", NOW))).identity()).isNotEqualTo(alice);
        // ... and naming Alice's key while signing with its own: does not verify at all.
        String claims = claims("sa@p.iam", NOW);
        String forged = sign("RS256", MALLORY.getPrivate(), "{\"alg\":\"RS256\",\"jwk\":" + jwk(ALICE.getPublic())
                + "}", claims);
        assertThat(verified(forged)).isNull();
    }

    @Test
    void everyAsymmetricAlgorithmVerifiesOnItsOwnKeyKind() {
        KeyPair p256 = TestJwts.ec("secp256r1");
        KeyPair p384 = TestJwts.ec("secp384r1");
        KeyPair p521 = TestJwts.ec("secp521r1");
        KeyPair ed = TestJwts.ed25519();
        assertThat(verified(withJwk("RS384", ALICE, claims("a", NOW)))).isNotNull();
        assertThat(verified(withJwk("RS512", ALICE, claims("a", NOW)))).isNotNull();
        assertThat(verified(withJwk("PS256", ALICE, claims("a", NOW)))).isNotNull();
        assertThat(verified(withJwk("ES256", p256, claims("a", NOW)))).isNotNull();
        assertThat(verified(withJwk("ES384", p384, claims("a", NOW)))).isNotNull();
        assertThat(verified(withJwk("ES512", p521, claims("a", NOW)))).isNotNull();
        assertThat(verified(withJwk("EdDSA", ed, claims("a", NOW)))).isNotNull();
        // The same bytes under another algorithm name read differently (alg is part of the identity).
        assertThat(verified(withJwk("RS256", ALICE, "{\"iss\":\"a\",\"exp\":" + (NOW + 60) + "}")).identity())
                .isNotEqualTo(verified(withJwk("PS256", ALICE, "{\"iss\":\"a\",\"exp\":" + (NOW + 60) + "}"))
                        .identity());
    }

    @Test
    void weakOrMismatchedKeysNeverVerify() {
        // ES256 names P-256: a P-384 signature is refused, as is an RSA key under 2048 bits.
        KeyPair p384 = TestJwts.ec("secp384r1");
        String es256OnP384 = sign("ES384", p384.getPrivate(), "{\"alg\":\"ES256\",\"jwk\":" + jwk(p384.getPublic())
                + "}", claims("a", NOW));
        assertThat(verified(es256OnP384)).isNull();
        assertThat(verified(withJwk("RS256", TestJwts.rsa(1024), claims("a", NOW)))).isNull();
        // An EC key claimed for an RSA algorithm.
        KeyPair p256 = TestJwts.ec("secp256r1");
        assertThat(verified(sign("ES256", p256.getPrivate(), "{\"alg\":\"RS256\",\"jwk\":" + jwk(p256.getPublic()) + "}",
                claims("a", NOW)))).isNull();
    }

    @Test
    void anRsaKeyMadeToCostTheVerifierIsNeverTried() throws Exception {
        // A valid signature under a key with a 36-bit public exponent: real signers use 65537.
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(new java.security.spec.RSAKeyGenParameterSpec(2048, java.math.BigInteger.valueOf(34_359_738_421L)));
        KeyPair costly = g.generateKeyPair();
        assertThat(verified(withJwk("RS256", costly, claims("a", NOW)))).isNull();
        assertThat(verified(withJwk("RS256", ALICE, claims("a", NOW)))).isNotNull();
    }

    @Test
    void x5cIsTrustedForItsKeyAndAChainThatDoesNotMatchIsNot() throws Exception {
        TestJwts.SelfSigned cert = TestJwts.selfSigned(dir, "app");
        TestJwts.SelfSigned other = TestJwts.selfSigned(dir, "other");
        String header = "{\"alg\":\"RS256\",\"x5t\":\"ignored\",\"x5c\":" + cert.x5c() + "}";
        VerifiedJwt a = verified(sign("RS256", cert.keys.getPrivate(), header, claims("app", NOW)));
        VerifiedJwt b = verified(sign("RS256", cert.keys.getPrivate(), header, claims("app", NOW + 1)));
        assertThat(a).isNotNull();
        assertThat(b.identity()).isEqualTo(a.identity()).contains(KeyThumbprint.of(cert.keys.getPublic()));
        // The header names the app's certificate, the signature is another key's.
        assertThat(verified(sign("RS256", other.keys.getPrivate(), header, claims("app", NOW)))).isNull();
        // Not standard base64, or not a certificate.
        assertThat(verified(sign("RS256", cert.keys.getPrivate(), "{\"alg\":\"RS256\",\"x5c\":[\"@@@\"]}",
                claims("app", NOW)))).isNull();
        assertThat(verified(sign("RS256", cert.keys.getPrivate(), "{\"alg\":\"RS256\",\"x5c\":[\"AAAA\"]}",
                claims("app", NOW)))).isNull();
    }

    @Test
    void aKidAloneIsNeverTrustedButConfiguredKeysAre() throws Exception {
        String header = "{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}";
        String jwt = sign("RS256", ALICE.getPrivate(), header, claims("sa@p.iam", NOW));
        assertThat(verified(jwt)).isNull();

        Path pem = Files.writeString(dir.resolve("alice.pem"), TestJwts.pem(ALICE.getPublic()));
        VerifiedJwt byPem = AssertionVerifier.verified(jwt, TrustedKeys.load(List.of(pem)), NOW);
        assertThat(byPem).isNotNull();

        Path jwks = Files.writeString(dir.resolve("keys.json"), "{\"keys\":[" + jwk(MALLORY.getPublic()).replace("{",
                "{\"kid\":\"k1\",") + "," + jwk(ALICE.getPublic()) + "]}");
        VerifiedJwt byJwks = AssertionVerifier.verified(jwt, TrustedKeys.load(List.of(jwks)), NOW);
        assertThat(byJwks.identity()).isEqualTo(byPem.identity());

        TestJwts.SelfSigned cert = TestJwts.selfSigned(dir, "svc");
        Path certPem = Files.writeString(dir.resolve("svc.pem"), cert.pem());
        String signedByCert = sign("RS256", cert.keys.getPrivate(), header, claims("svc", NOW));
        assertThat(AssertionVerifier.verified(signedByCert, TrustedKeys.load(List.of(certPem)), NOW)).isNotNull();
        // Configured keys that did not sign it: not verified (and kid k1 names Mallory's: still no).
        assertThat(AssertionVerifier.verified(signedByCert, TrustedKeys.load(List.of(jwks)), NOW)).isNull();
    }

    @Test
    void claimsUnverifiedReadsClaimsWhateverSignedIt() {
        String claims = "{\"iss\":\"a\",\"sub\":\"b\",\"exp\":" + (NOW + 60) + "}";
        VerifiedJwt alice = AssertionVerifier.unverified(withJwk("RS256", ALICE, claims), NOW);
        VerifiedJwt mallory = AssertionVerifier.unverified(sign("RS256", MALLORY.getPrivate(),
                "{\"alg\":\"RS256\"}", claims), NOW);
        assertThat(mallory.identity()).isEqualTo(alice.identity()).contains("key=unverified");
        assertThat(AssertionVerifier.unverified(b64("{\"alg\":\"none\"}") + "." + b64(claims) + ".", NOW)).isNull();
        assertThat(AssertionVerifier.unverified(b64("{\"alg\":\"HS256\"}") + "." + b64(claims) + ".c2ln", NOW))
                .isNull();
    }

    @Test
    void hostileAssertionsAreNeverReadAndNeverThrow() {
        String good = withJwk("RS256", ALICE, claims("a", NOW));
        String[] parts = good.split("\\.");
        String jwkHeader = "\"jwk\":" + jwk(ALICE.getPublic());
        String claims = claims("a", NOW);
        String[] hostile = {
            "", ".", "..", "a.b", "a.b.c.d", good.substring(0, good.length() - 5), good + "=",
            parts[0] + "." + parts[1] + "." + parts[2] + "==", parts[0] + ".!!." + parts[2],
            parts[0] + "." + parts[1] + ".", "." + parts[1] + "." + parts[2],
            parts[0] + "." + parts[1].replace('A', '+') + "." + parts[2],
            // alg none and HMAC, whatever else they carry.
            b64("{\"alg\":\"none\"," + jwkHeader + "}") + "." + b64(claims) + ".",
            b64("{\"alg\":\"HS256\"," + jwkHeader + "}") + "." + b64(claims) + ".c2ln",
            b64("{\"alg\":\"rs256\"," + jwkHeader + "}") + "." + b64(claims) + "." + parts[2],
            // Headers a verifier must understand, and nested JWTs: refused even when signed right.
            sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"crit\":[\"exp\"]," + jwkHeader + "}", claims),
            sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"b64\":false," + jwkHeader + "}", claims),
            sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"cty\":\"JWT\"," + jwkHeader + "}", claims),
            sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"cty\":\"JWT\"," + jwkHeader + "}", good),
            // Duplicates, in the header and in the claims.
            sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"alg\":\"none\"," + jwkHeader + "}", claims),
            sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\"," + jwkHeader + "}",
                    "{\"iss\":\"a\",\"iss\":\"b\",\"exp\":" + (NOW + 60) + "}"),
            // Expired, no exp, exp not a number, claims not an object, not JSON.
            withJwk("RS256", ALICE, "{\"iss\":\"a\",\"exp\":" + NOW + "}"),
            withJwk("RS256", ALICE, "{\"iss\":\"a\"}"),
            withJwk("RS256", ALICE, "{\"iss\":\"a\",\"exp\":\"" + (NOW + 60) + "\"}"),
            withJwk("RS256", ALICE, "[1,2]"),
            withJwk("RS256", ALICE, "{\"iss\":"),
            // Deep nesting, huge headers and claims.
            withJwk("RS256", ALICE, "{\"exp\":" + (NOW + 60) + ",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}"),
            sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"pad\":\"" + "x".repeat(20_000) + "\"," + jwkHeader
                    + "}", claims),
            withJwk("RS256", ALICE, "{\"exp\":" + (NOW + 60) + ",\"x\":\"" + "y".repeat(20_000) + "\"}"),
            // A jwk with its private part, of an unknown kind, or with numbers for strings.
            sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"RSA\",\"n\":1,\"e\":2}}", claims),
            sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}}",
                    claims),
            sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"x5c\":\"notalist\"}", claims),
            // The signature of other content.
            parts[0] + "." + b64(claims("b", NOW)) + "." + parts[2],
            new String(new byte[] {(byte) 0xff, '.', 'a', '.', 'b'}, StandardCharsets.ISO_8859_1),
        };
        for (String jwt : hostile) {
            assertThat(verified(jwt)).as(jwt.length() > 200 ? jwt.substring(0, 200) : jwt).isNull();
        }
        assertThat(verified(good)).isNotNull();
    }
}
