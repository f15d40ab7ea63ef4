package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.AssertionRequests.*;
import static io.tokenguard.agent.guard.TestRequests.post;
import static io.tokenguard.agent.jose.TestJwts.jwk;
import static io.tokenguard.agent.jose.TestJwts.sign;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.AssertionIdentity;
import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.jose.TestJwts;
import io.tokenguard.agent.jose.TrustedKeys;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Second hostile review of verified assertion / DPoP identities, after 6d1cb41 (readings per kind, small-order
 * Edwards keys refused, RSA caps, two values read per kind). Each test asserts the SAFE behaviour with real
 * provider call counts and tokens; a test that found a hole stays, @Disabled with "HOLE: ...".
 */
class AssertionSecondReviewTest {
    private static final String JSON = "application/json";
    private static final String TOKEN_EXCHANGE = "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange";
    private static final KeyPair ALICE = TestJwts.rsa();
    private static final KeyPair MALLORY = TestJwts.rsa();
    private static final KeyPair EC_A = TestJwts.ec("secp256r1");
    private static final KeyPair EC_B = TestJwts.ec("secp256r1");

    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final RecordingListener listener = new RecordingListener();

    private long now() {
        return clock.wallClockMillis() / 1000;
    }

    private static EndpointRule google() {
        return EndpointRule.builder("google").url(GOOGLE_URL).limit("none").assertionIdentity(AssertionIdentity.VERIFIED)
                .assertionKeys(TrustedKeys.NONE).build();
    }

    private Guard guard(EndpointRule rule) {
        return new Guard(AgentSettings.builder().mode(Mode.ENFORCE).rule(rule).build(), clock, listener);
    }

    private String claims(String iss, String sub, boolean jti) {
        long iat = now();
        return "{\"iss\":\"" + iss + "\"" + (sub == null ? "" : ",\"sub\":\"" + sub + "\"")
                + ",\"scope\":\"https://www.googleapis.com/auth/cloud-platform\",\"aud\":\"" + GOOGLE_URL
                + "\",\"exp\":" + (iat + 3600) + ",\"iat\":" + iat
                + (jti ? ",\"jti\":\"" + UUID.randomUUID() + "\"" : "") + "}";
    }

    /** A fresh RS256 assertion signed by keys, its own jwk in the header (so it verifies, as its signer's). */
    private String assertion(KeyPair keys, String iss, String sub, boolean jti) {
        return sign("RS256", keys.getPrivate(), "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"jwk\":" + jwk(keys.getPublic())
                + "}", claims(iss, sub, jti));
    }

    private String assertion(KeyPair keys, String iss) {
        return assertion(keys, iss, null, true);
    }

    private static TokenHttpRequest form(String url, String body) {
        return post(url, null, FORM, body, 0);
    }

    private String send(Guard g, EndpointRule rule, TokenHttpRequest request) throws Exception {
        return token(g.exchange(rule, request, idp.upstream()));
    }

    // ------------------------------------------------------------------ readings shared across parameter names

    /**
     * The kind fix of 6d1cb41 separated a parameter's readings from a DPoP proof's, but {@code assertion} and
     * {@code client_assertion} still share one key space ({@code parameterKey}): singleUse exempts an
     * on-behalf-of assertion (exact bytes, one-time by its jti) when the same bytes also verified as the
     * request's client_assertion (fixed: readings are kept per parameter name).
     */
    @Test
    void aRelayedOnBehalfOfAssertionEchoedAsAVerifiedClientAssertionStaysOneTime() throws Exception {
        EndpointRule rule = google();
        Guard g = guard(rule);
        String relayed = assertion(ALICE, "user@p", "user@p", true);
        TokenHttpRequest obo = form(GOOGLE_URL, "grant_type=" + JWT_BEARER + "&requested_token_use=on_behalf_of"
                + "&assertion=" + relayed + "&client_assertion_type=" + CLIENT_ASSERTION_TYPE + "&client_assertion="
                + relayed);
        send(g, rule, obo);
        send(g, rule, obo);
        assertThat(idp.calls).as("on-behalf-of with a jti is one-time").hasValue(2);
    }

    /** Control: the same on-behalf-of request with the client's own (different) verified client_assertion. */
    @Test
    void aRelayedOnBehalfOfAssertionBesideTheClientsOwnAssertionStaysOneTime() throws Exception {
        EndpointRule rule = google();
        Guard g = guard(rule);
        String relayed = assertion(ALICE, "user@p", "user@p", true);
        for (int i = 0; i < 2; i++) {
            send(g, rule, form(GOOGLE_URL, "grant_type=" + JWT_BEARER + "&requested_token_use=on_behalf_of"
                    + "&assertion=" + relayed + "&client_assertion_type=" + CLIENT_ASSERTION_TYPE
                    + "&client_assertion=" + assertion(MALLORY, "api", "api", true)));
        }
        assertThat(idp.calls).hasValue(2);
    }

    /**
     * A token exchange relays its subject_token (exact bytes); a JWT subject_token beside a client_assertion
     * of the same bytes still never shares with another subject.
     */
    @Test
    void aTokenExchangeNeverSharesAcrossSubjectTokensWhateverTheClientAssertion() throws Exception {
        EndpointRule rule = google();
        Guard g = guard(rule);
        List<String> tokens = new ArrayList<>();
        for (String user : new String[] {"user1", "user2"}) {
            String subject = assertion(ALICE, "idp", user, true);
            tokens.add(send(g, rule, form(GOOGLE_URL, "grant_type=" + TOKEN_EXCHANGE + "&subject_token=" + subject
                    + "&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt&client_assertion_type="
                    + CLIENT_ASSERTION_TYPE + "&client_assertion=" + subject)));
        }
        assertThat(idp.calls).hasValue(2);
        assertThat(tokens.get(1)).isNotEqualTo(tokens.get(0));
    }

    // ------------------------------------------------------------------ the per-kind cap

    @Test
    void aThirdAssertionPastTheCapCountsAsItsExactBytes() throws Exception {
        EndpointRule rule = google();
        Guard g = guard(rule);
        // No jti on the third, so the request is not one-time and may be cached: by the third's bytes only.
        String aliceThird = assertion(ALICE, "alice@p.iam", null, false);
        String first = send(g, rule, form(GOOGLE_URL, "grant_type=" + JWT_BEARER + "&assertion="
                + assertion(ALICE, "alice@p.iam") + "&assertion=" + assertion(ALICE, "alice@p.iam") + "&assertion="
                + aliceThird));
        assertThat(idp.calls).hasValue(1);
        // Mallory's third (Alice's claims, no jti, his key), and Alice's own third signed anew: never as verified.
        List<String> thirds = List.of(assertion(MALLORY, "alice@p.iam", null, false),
                sign("RS256", MALLORY.getPrivate(), "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"jwk\":" + jwk(ALICE.getPublic())
                        + "}", claims("alice@p.iam", null, false)),
                assertion(ALICE, "bob@p.iam", null, false),
                // Alice's own, same claims, other bytes (a reading would share; its bytes must not).
                sign("RS256", ALICE.getPrivate(), "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"jwk\":"
                        + jwk(ALICE.getPublic()) + "}", claims("alice@p.iam", null, false)));
        for (String third : thirds) {
            assertThat(send(g, rule, form(GOOGLE_URL, "grant_type=" + JWT_BEARER + "&assertion="
                    + assertion(ALICE, "alice@p.iam") + "&assertion=" + assertion(ALICE, "alice@p.iam")
                    + "&assertion=" + third))).isNotEqualTo(first);
        }
        assertThat(idp.calls).hasValue(1 + thirds.size());
        // The very same third bytes with fresh first two of Alice's: her request again.
        assertThat(send(g, rule, form(GOOGLE_URL, "grant_type=" + JWT_BEARER + "&assertion="
                + assertion(ALICE, "alice@p.iam") + "&assertion=" + assertion(ALICE, "alice@p.iam") + "&assertion="
                + aliceThird))).isEqualTo(first);
        assertThat(idp.calls).hasValue(1 + thirds.size());
    }

    @Test
    void aThirdFreshAssertionPastTheCapKeepsTheRequestOneTime() throws Exception {
        EndpointRule rule = google();
        Guard g = guard(rule);
        for (int i = 0; i < 3; i++) {
            send(g, rule, form(GOOGLE_URL, "grant_type=" + JWT_BEARER + "&assertion=" + assertion(ALICE, "alice@p.iam")
                    + "&assertion=" + assertion(ALICE, "alice@p.iam") + "&assertion=" + assertion(ALICE, "alice@p.iam")));
        }
        assertThat(idp.calls).as("an unread value with a jti is one-time").hasValue(3);
    }

    @Test
    void jsonNonStringValuesUseUpTheCapAndTheStringPastItIsExactBytes() throws Exception {
        EndpointRule rule = google();
        Guard g = guard(rule);
        // JSON duplicates as the parser keeps them (or an array): two numbers first, then Alice's fresh JWTs.
        for (int i = 0; i < 2; i++) {
            send(g, rule, post(GOOGLE_URL, null, JSON, "{\"grant_type\":\"" + JWT_BEARER_RAW
                    + "\",\"assertion\":1,\"assertion\":2,\"assertion\":\"" + assertion(ALICE, "alice@p.iam") + "\"}",
                    0));
        }
        assertThat(idp.calls).hasValue(2);
    }

    @Test
    void aThirdDpopProofOfAnotherKeyPastTheCapNeverSharesTheFirstKeysToken() throws Exception {
        EndpointRule rule = EndpointRule.builder("dpop").url(DPOP_URL).limit("none").build();
        Guard g = guard(rule);
        idp.body = "{\"access_token\":\"tok-1\",\"token_type\":\"DPoP\",\"expires_in\":3600}";
        String a = send(g, rule, dpop(proof(EC_A), proof(EC_A)));
        assertThat(send(g, rule, dpop(proof(EC_A), proof(EC_A)))).isEqualTo(a);
        assertThat(idp.calls).hasValue(1);
        assertThat(send(g, rule, dpop(proof(EC_A), proof(EC_A), proof(EC_B)))).isNotEqualTo(a);
        assertThat(send(g, rule, dpop(proof(EC_A), proof(EC_A), proof(EC_B)))).isNotEqualTo(a);
        assertThat(idp.calls).as("the third proof is exact bytes and one-time").hasValue(3);
    }

    private String proof(KeyPair key) {
        return proof(key, "POST", DPOP_URL);
    }

    private String proof(KeyPair key, String htm, String htu) {
        return sign("ES256", key.getPrivate(), "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + jwk(key.getPublic())
                + "}", "{\"jti\":\"" + UUID.randomUUID() + "\",\"htm\":\"" + htm + "\",\"htu\":\"" + htu
                + "\",\"iat\":" + now() + "}");
    }

    private static TokenHttpRequest dpop(String... proofs) {
        return dpopAs("DPoP", proofs);
    }

    private static TokenHttpRequest dpopAs(String headerName, String... proofs) {
        HttpHeaders.Builder h = HttpHeaders.builder().add("Content-Type", FORM)
                .add("Authorization", TestRequests.basic("dpop-client", "s"));
        for (String p : proofs) {
            h.add(headerName, p);
        }
        return withHeaders("POST", DPOP_URL, h.build(), "grant_type=client_credentials");
    }

    // ------------------------------------------------------------------ names, case, query and JSON copies

    @Test
    void aCaseVariantOrQueryCopyOfAFreshAssertionKeepsTheRequestOneTime() throws Exception {
        EndpointRule rule = google();
        Guard g = guard(rule);
        for (int i = 0; i < 2; i++) {
            send(g, rule, form(GOOGLE_URL, "grant_type=" + JWT_BEARER + "&assertion=" + assertion(ALICE, "alice@p.iam")
                    + "&Assertion=" + assertion(ALICE, "alice@p.iam")));
        }
        assertThat(idp.calls).as("a case variant is exact bytes, one-time by its jti").hasValue(2);
        for (int i = 0; i < 2; i++) {
            send(g, rule, form(GOOGLE_URL + "?assertion=" + assertion(ALICE, "alice@p.iam"), "grant_type=" + JWT_BEARER
                    + "&assertion=" + assertion(ALICE, "alice@p.iam")));
        }
        assertThat(idp.calls).as("a query copy is exact bytes, one-time by its jti").hasValue(4);
        for (int i = 0; i < 2; i++) {
            send(g, rule, form(GOOGLE_URL, "grant_type=client_credentials&client_assertion_type="
                    + CLIENT_ASSERTION_TYPE + "&Client_Assertion=" + assertion(ALICE, "app", "app", true)));
        }
        assertThat(idp.calls).as("a case-variant client_assertion is never read").hasValue(6);
    }

    @Test
    void aCaseVariantCarryingAForgeryBesideAVerifiedAssertionNeverGetsTheSignersToken() throws Exception {
        EndpointRule rule = google();
        Guard g = guard(rule);
        String alice = send(g, rule, form(GOOGLE_URL, "grant_type=" + JWT_BEARER + "&assertion="
                + assertion(ALICE, "alice@p.iam")));
        // Alice's fresh (verified) assertion sent along by an intermediary, and a forged one for bob under a
        // case variant a case-insensitive last-wins server reads; no jti, so it may be cached, by its bytes.
        String forgedBob = assertion(MALLORY, "bob@p.iam", null, false);
        String withVariant = send(g, rule, form(GOOGLE_URL, "grant_type=" + JWT_BEARER + "&assertion="
                + assertion(ALICE, "alice@p.iam") + "&ASSERTION=" + forgedBob));
        assertThat(withVariant).isNotEqualTo(alice);
        // And the other way: a request with only Alice's fresh assertion never gets what the variant request got.
        assertThat(send(g, rule, form(GOOGLE_URL, "grant_type=" + JWT_BEARER + "&assertion="
                + assertion(ALICE, "alice@p.iam")))).isEqualTo(alice);
        assertThat(send(g, rule, form(GOOGLE_URL, "grant_type=" + JWT_BEARER + "&assertion="
                + assertion(ALICE, "alice@p.iam") + "&ASSERTION=" + assertion(MALLORY, "carol@p.iam", null, false))))
                .isNotEqualTo(withVariant).isNotEqualTo(alice);
        assertThat(idp.calls).hasValue(3);
    }

    @Test
    void aVerifiedFormAssertionNeverSharesWithTheSameSignersJsonBody() throws Exception {
        EndpointRule rule = google();
        Guard g = guard(rule);
        String f = send(g, rule, form(GOOGLE_URL, "grant_type=" + JWT_BEARER + "&assertion="
                + assertion(ALICE, "alice@p.iam")));
        String j = send(g, rule, post(GOOGLE_URL, null, JSON, "{\"grant_type\":\"" + JWT_BEARER_RAW
                + "\",\"assertion\":\"" + assertion(ALICE, "alice@p.iam") + "\"}", 0));
        assertThat(j).isNotEqualTo(f);
        // JSON: Alice's fresh ones share; the query copy of a fresh one is one-time.
        assertThat(send(g, rule, post(GOOGLE_URL, null, JSON, "{\"grant_type\":\"" + JWT_BEARER_RAW
                + "\",\"assertion\":\"" + assertion(ALICE, "alice@p.iam") + "\"}", 0))).isEqualTo(j);
        assertThat(idp.calls).hasValue(2);
        for (int i = 0; i < 2; i++) {
            send(g, rule, post(GOOGLE_URL + "?assertion=" + assertion(ALICE, "alice@p.iam"), null, JSON,
                    "{\"grant_type\":\"" + JWT_BEARER_RAW + "\",\"assertion\":\"" + assertion(ALICE, "alice@p.iam")
                            + "\"}", 0));
        }
        assertThat(idp.calls).hasValue(4);
    }

    @Test
    void onBehalfOfAsAJsonNullNumberOrCaseVariantStaysExactBytes() throws Exception {
        EndpointRule rule = google();
        Guard g = guard(rule);
        String relayed = assertion(ALICE, "user@p", "user@p", true);
        List<TokenHttpRequest> shapes = List.of(
                post(GOOGLE_URL, null, JSON, "{\"grant_type\":\"" + JWT_BEARER_RAW + "\",\"assertion\":\"" + relayed
                        + "\",\"requested_token_use\":null}", 0),
                post(GOOGLE_URL, null, JSON, "{\"grant_type\":\"" + JWT_BEARER_RAW + "\",\"assertion\":\"" + relayed
                        + "\",\"requested_token_use\":1}", 0),
                post(GOOGLE_URL, null, JSON, "{\"grant_type\":\"" + JWT_BEARER_RAW + "\",\"assertion\":\"" + relayed
                        + "\",\"Requested_Token_Use\":\"on_behalf_of\"}", 0),
                form(GOOGLE_URL, "grant_type=" + JWT_BEARER + "&assertion=" + relayed + "&REQUESTED_TOKEN_USE="));
        for (TokenHttpRequest r : shapes) {
            send(g, rule, r);
            send(g, rule, r);
        }
        assertThat(idp.calls).as("each on-behalf-of shape is one-time").hasValue(2 * shapes.size());
    }

    /** On-behalf-of assertions of two users signed by one key: never one user's token for the other. */
    @Test
    void onBehalfOfAssertionsWithoutJtiNeverShareAcrossUsers() throws Exception {
        EndpointRule rule = google();
        Guard g = guard(rule);
        String u1 = send(g, rule, form(GOOGLE_URL, "grant_type=" + JWT_BEARER + "&requested_token_use=on_behalf_of"
                + "&assertion=" + assertion(ALICE, "idp", "user1", false) + "&client_assertion_type="
                + CLIENT_ASSERTION_TYPE + "&client_assertion=" + assertion(MALLORY, "api", "api", true)));
        String u2 = send(g, rule, form(GOOGLE_URL, "grant_type=" + JWT_BEARER + "&requested_token_use=on_behalf_of"
                + "&assertion=" + assertion(ALICE, "idp", "user2", false) + "&client_assertion_type="
                + CLIENT_ASSERTION_TYPE + "&client_assertion=" + assertion(MALLORY, "api", "api", true)));
        // The same user's relayed token signed anew (other bytes): exact bytes, so its own call too.
        String u1Again = send(g, rule, form(GOOGLE_URL, "grant_type=" + JWT_BEARER
                + "&requested_token_use=on_behalf_of&assertion=" + sign("RS256", ALICE.getPrivate(),
                "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"jwk\":" + jwk(ALICE.getPublic()) + "}",
                claims("idp", "user1", false)) + "&client_assertion_type=" + CLIENT_ASSERTION_TYPE + "&client_assertion="
                + assertion(MALLORY, "api", "api", true)));
        assertThat(new HashSet<>(List.of(u1, u2, u1Again))).hasSize(3);
        assertThat(idp.calls).hasValue(3);
    }

    // ------------------------------------------------------------------ DPoP header spellings, URL and method

    @Test
    void dpopHeaderNameCaseVariantsNeverCrossKeys() throws Exception {
        EndpointRule rule = EndpointRule.builder("dpop").url(DPOP_URL).limit("none").build();
        Guard g = guard(rule);
        idp.body = "{\"access_token\":\"tok-1\",\"token_type\":\"DPoP\",\"expires_in\":3600}";
        String a = send(g, rule, dpopAs("DPoP", proof(EC_A)));
        assertThat(send(g, rule, dpopAs("dpop", proof(EC_A)))).isEqualTo(a);
        assertThat(send(g, rule, dpopAs("DPOP", proof(EC_A)))).isEqualTo(a);
        assertThat(idp.calls).hasValue(1);
        assertThat(send(g, rule, dpopAs("dpop", proof(EC_B)))).isNotEqualTo(a);
        assertThat(send(g, rule, dpopAs("DPOP", proof(EC_A, "POST", "https://as.example/oauth2/token2"))))
                .isNotEqualTo(a);
        assertThat(send(g, rule, dpopAs("Dpop", proof(EC_A, "PUT", DPOP_URL)))).isNotEqualTo(a);
        assertThat(idp.calls).hasValue(4);
        assertThat(listener.faults).isEmpty();
    }

    @Test
    void aProofForThisUrlSentToAnotherMethodOrTheSameUrlWithUserInfoNeverGetsTheToken() throws Exception {
        EndpointRule rule = EndpointRule.builder("dpop").url(DPOP_URL).limit("none").build();
        Guard g = guard(rule);
        idp.body = "{\"access_token\":\"tok-1\",\"token_type\":\"DPoP\",\"expires_in\":3600}";
        String a = send(g, rule, dpop(proof(EC_A)));
        // Same key, sent with method PUT while the proof says POST: not verified, one-time, its own call.
        String put = send(g, rule, withHeaders("PUT", DPOP_URL, HttpHeaders.builder().add("Content-Type", FORM)
                .add("Authorization", TestRequests.basic("dpop-client", "s")).add("DPoP", proof(EC_A)).build(),
                "grant_type=client_credentials"));
        assertThat(put).isNotEqualTo(a);
        // Userinfo in the URL is a credential of its own (the fingerprint's), whatever the proof.
        String userinfo = send(g, rule, withHeaders("POST", "https://u:p@as.example/oauth2/token", HttpHeaders.builder()
                .add("Content-Type", FORM).add("Authorization", TestRequests.basic("dpop-client", "s"))
                .add("DPoP", proof(EC_A)).build(), "grant_type=client_credentials"));
        assertThat(userinfo).isNotEqualTo(a);
        assertThat(idp.calls).hasValue(3);
    }

    /** A DPoP proof of key A with a client assertion of key B: neither key's request gets the other's token. */
    @Test
    void aProofAndAClientAssertionOfDifferentKeysNeverShareWithEitherAlone() throws Exception {
        EndpointRule rule = EndpointRule.builder("dpop").url(DPOP_URL).limit("none").build();
        Guard g = guard(rule);
        idp.body = "{\"access_token\":\"tok-1\",\"token_type\":\"DPoP\",\"expires_in\":3600}";
        List<String> tokens = new ArrayList<>();
        KeyPair[][] combos = {{EC_A, ALICE}, {EC_B, ALICE}, {EC_A, MALLORY}};
        for (KeyPair[] c : combos) {
            String ca = sign("RS256", c[1].getPrivate(), "{\"alg\":\"RS256\",\"jwk\":" + jwk(c[1].getPublic()) + "}",
                    "{\"iss\":\"app\",\"sub\":\"app\",\"aud\":\"" + DPOP_URL + "\",\"exp\":" + (now() + 600)
                            + ",\"jti\":\"" + UUID.randomUUID() + "\"}");
            tokens.add(send(g, rule, withHeaders("POST", DPOP_URL, HttpHeaders.builder().add("Content-Type", FORM)
                    .add("DPoP", proof(c[0])).build(), "grant_type=client_credentials&client_assertion_type="
                    + CLIENT_ASSERTION_TYPE + "&client_assertion=" + ca)));
        }
        assertThat(new HashSet<>(tokens)).hasSize(3);
        assertThat(idp.calls).hasValue(3);
    }
}
