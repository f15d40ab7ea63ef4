package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.AssertionRequests.*;
import static io.tokenguard.agent.guard.TestRequests.post;
import static io.tokenguard.agent.jose.TestJwts.b64;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile review of verified assertion / DPoP identities: every test asserts the SAFE behaviour (a
 * request of another identity reaches the provider and never gets the cached token). The holes it found
 * are fixed, and their tests kept as regression tests.
 */
class AssertionCrossIdentityAttackTest {
    private static final String OTHER_URL = "https://sts.example.com/token";
    private static final KeyPair ALICE = TestJwts.rsa();
    private static final KeyPair MALLORY = TestJwts.rsa();
    private static final KeyPair EC_A = TestJwts.ec("secp256r1");
    private static final KeyPair EC_B = TestJwts.ec("secp256r1");

    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final RecordingListener listener = new RecordingListener();

    @TempDir
    Path dir;

    private long now() {
        return clock.wallClockMillis() / 1000;
    }

    private Guard guard(EndpointRule... rules) {
        AgentSettings.Builder b = AgentSettings.builder().mode(Mode.ENFORCE);
        for (EndpointRule r : rules) {
            b.rule(r);
        }
        return new Guard(b.build(), clock, listener);
    }

    private String claims(String iss, String sub, long exp, String extra) {
        long iat = now();
        return "{\"iss\":\"" + iss + "\"" + (sub == null ? "" : ",\"sub\":\"" + sub + "\"")
                + ",\"scope\":\"https://www.googleapis.com/auth/cloud-platform\",\"aud\":\"" + GOOGLE_URL
                + "\",\"exp\":" + exp + ",\"iat\":" + iat + ",\"jti\":\"" + UUID.randomUUID() + "\"" + extra + "}";
    }

    private String assertion(KeyPair keys, String iss, String headerExtra) {
        return sign("RS256", keys.getPrivate(), "{\"alg\":\"RS256\",\"typ\":\"JWT\"" + headerExtra + "}",
                claims(iss, null, now() + 3600, ""));
    }

    private TokenHttpResponse send(Guard g, EndpointRule rule, TokenHttpRequest request) throws Exception {
        return g.exchange(rule, request, idp.upstream());
    }

    /** An answer of the provider for a forger: an error, so a leak of Alice's token is plain to see. */
    private void idpRefuses() {
        idp.status = 400;
        idp.body = "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}";
    }

    // ------------------------------------------------------------------ readings mixed across parameters

    /** A JWT that is both a DPoP proof of this request (typ, jwk, htm, htu, iat, jti) and a jwt-bearer assertion. */
    private String dpopShaped(KeyPair key, String url, String claimsBody) {
        return sign("ES256", key.getPrivate(), "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + jwk(key.getPublic())
                + "}", claimsBody.substring(0, claimsBody.length() - 1) + ",\"htm\":\"POST\",\"htu\":\"" + url + "\"}");
    }

    @Test
    void anAssertionEchoedAsAVerifiedDpopProofStillCountsItsClaims() throws Exception {
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        // Domain-wide delegation: one service-account key, one assertion per user (sub).
        String forUser1 = dpopShaped(EC_A, GOOGLE_URL, claims("sa@p.iam", "user1@corp", now() + 3600, ""));
        String forUser2 = dpopShaped(EC_A, GOOGLE_URL, claims("sa@p.iam", "user2@corp", now() + 3600, ""));
        String user1 = token(send(g, rule, withHeaders("POST", GOOGLE_URL, HttpHeaders.builder()
                .add("Content-Type", FORM).add("DPoP", forUser1).build(),
                "grant_type=" + JWT_BEARER + "&assertion=" + forUser1)));
        String user2 = token(send(g, rule, withHeaders("POST", GOOGLE_URL, HttpHeaders.builder()
                .add("Content-Type", FORM).add("DPoP", forUser2).build(),
                "grant_type=" + JWT_BEARER + "&assertion=" + forUser2)));
        assertThat(idp.calls).as("another sub is another identity").hasValue(2);
        assertThat(user2).isNotEqualTo(user1);
    }

    @Test
    void aClientAssertionEchoedAsAVerifiedDpopProofStillCountsItsClaims() throws Exception {
        EndpointRule rule = EndpointRule.builder("dpop").url(DPOP_URL).limit("none").build();
        Guard g = guard(rule);
        List<String> tokens = new ArrayList<>();
        for (String app : new String[] {"app-1", "app-2"}) {
            long iat = now();
            String ca = dpopShaped(EC_A, DPOP_URL, "{\"iss\":\"" + app + "\",\"sub\":\"" + app + "\",\"aud\":\""
                    + DPOP_URL + "\",\"exp\":" + (iat + 600) + ",\"iat\":" + iat + ",\"jti\":\"" + UUID.randomUUID()
                    + "\"}");
            tokens.add(token(send(g, rule, withHeaders("POST", DPOP_URL, HttpHeaders.builder().add("Content-Type", FORM)
                    .add("DPoP", ca).build(), "grant_type=client_credentials&client_assertion_type="
                    + CLIENT_ASSERTION_TYPE + "&client_assertion=" + ca))));
        }
        assertThat(idp.calls).as("another client is another identity").hasValue(2);
        assertThat(tokens.get(1)).isNotEqualTo(tokens.get(0));
    }

    @Test
    void aRelayedOneTimeAssertionEchoedAsADpopProofStaysOneTime() throws Exception {
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        String relayed = dpopShaped(EC_A, GOOGLE_URL, claims("user@p", "user@p", now() + 3600, ""));
        TokenHttpRequest obo = withHeaders("POST", GOOGLE_URL, HttpHeaders.builder().add("Content-Type", FORM)
                .add("DPoP", relayed).build(), "grant_type=" + JWT_BEARER + "&assertion=" + relayed
                + "&requested_token_use=on_behalf_of&client_id=api&client_secret=s");
        send(g, rule, obo);
        send(g, rule, obo);
        assertThat(idp.calls).as("on-behalf-of with a jti is one-time").hasValue(2);
    }

    @Test
    void theSameDpopShapedAssertionsWithoutTheEchoKeepTheirClaims() throws Exception {
        // Control for the holes above: no DPoP header, or a DPoP header that is a separate proof of the same key.
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        List<String> tokens = new ArrayList<>();
        for (String user : new String[] {"user1@corp", "user2@corp"}) {
            String a = dpopShaped(EC_A, GOOGLE_URL, claims("sa@p.iam", user, now() + 3600, ""));
            tokens.add(token(send(g, rule, jwtBearer(a, ""))));
            tokens.add(token(send(g, rule, withHeaders("POST", GOOGLE_URL, HttpHeaders.builder()
                    .add("Content-Type", FORM).add("DPoP", proof(EC_A, EC_A, "POST", GOOGLE_URL, now())).build(),
                    "grant_type=" + JWT_BEARER + "&assertion=" + dpopShaped(EC_A, GOOGLE_URL,
                    claims("sa@p.iam", user, now() + 3600, ""))))));
        }
        assertThat(idp.calls).hasValue(4);
        assertThat(new java.util.HashSet<>(tokens)).hasSize(4);
    }

    @Test
    void onBehalfOfSpelledInTheQueryOrInAnotherCaseStaysOneTime() throws Exception {
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        for (int i = 0; i < 2; i++) {
            send(g, rule, post(GOOGLE_URL + "?requested_token_use=on_behalf_of", null, FORM, "grant_type=" + JWT_BEARER
                    + "&assertion=" + assertion(ALICE, "user@p", jwkHeader(ALICE)) + "&client_id=api", 0));
            send(g, rule, jwtBearer(assertion(ALICE, "user@p", jwkHeader(ALICE)),
                    "&REQUESTED_TOKEN_USE=on_behalf_of&client_id=api"));
            send(g, rule, post(GOOGLE_URL, null, "application/json", "{\"grant_type\":\"" + JWT_BEARER_RAW
                    + "\",\"assertion\":\"" + assertion(ALICE, "user@p", jwkHeader(ALICE))
                    + "\",\"requested_token_use\":\"on_behalf_of\"}", 0));
        }
        assertThat(idp.calls).hasValue(6);
    }

    // ------------------------------------------------------------------ forgers with header tricks

    @Test
    void aForgerCopyingAlicesClaimsWithHeaderTricksAlwaysReachesTheProvider() throws Exception {
        TestJwts.SelfSigned aliceCert = TestJwts.selfSigned(dir, "alice");
        TestJwts.SelfSigned malloryCert = TestJwts.selfSigned(dir, "mallory");
        KeyPair alice = aliceCert.keys;
        KeyPair mallory = malloryCert.keys;
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        String aliceToken = token(send(g, rule, jwtBearer(assertion(alice, "alice@p.iam", jwkHeader(alice)), "")));
        assertThat(token(send(g, rule, jwtBearer(assertion(alice, "alice@p.iam", ",\"x5c\":" + aliceCert.x5c()), ""))))
                .as("x5c or jwk: one key, one signer").isEqualTo(aliceToken);
        assertThat(idp.calls).hasValue(1);
        idpRefuses();

        String aliceJwk = jwk(alice.getPublic());
        String signingInputOnly = b64("{\"alg\":\"HS256\",\"jwk\":" + aliceJwk + "}") + "."
                + b64(claims("alice@p.iam", null, now() + 3600, ""));
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(TestJwts.pem(alice.getPublic()).getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        String hs256 = signingInputOnly + "." + b64(hmac.doFinal(signingInputOnly.getBytes(StandardCharsets.US_ASCII)));
        String genuine = assertion(alice, "alice@p.iam", jwkHeader(alice));
        String[] p = genuine.split("\\.");
        List<String> forgeries = List.of(
                // Alice's jwk with extra members, Mallory's signature.
                assertion(mallory, "alice@p.iam", ",\"jwk\":" + aliceJwk.replace("}", ",\"kid\":\"a\",\"use\":\"sig\","
                        + "\"alg\":\"RS256\",\"x5c\":" + aliceCert.x5c() + "}")),
                // Alice's certificate in x5c, Mallory's key in jwk (and the other way round).
                assertion(mallory, "alice@p.iam", ",\"x5c\":" + aliceCert.x5c() + jwkHeader(mallory)),
                assertion(mallory, "alice@p.iam", ",\"x5c\":" + malloryCert.x5c() + jwkHeader(alice)),
                // Alice's certificate first, Mallory's second.
                assertion(mallory, "alice@p.iam", ",\"x5c\":" + aliceCert.x5c().replace("]", ","
                        + malloryCert.x5c().substring(1))),
                // Mallory's first, Alice's second (verifies as Mallory, never as Alice).
                assertion(mallory, "alice@p.iam", ",\"x5c\":" + malloryCert.x5c().replace("]", ","
                        + aliceCert.x5c().substring(1))),
                // kid / x5t naming Alice.
                assertion(mallory, "alice@p.iam", ",\"kid\":\"alice\",\"x5t\":\"alice\""),
                // HS256 keyed with Alice's public key (the classic confusion), and alg none.
                hs256,
                b64("{\"alg\":\"none\",\"jwk\":" + aliceJwk + "}") + "." + p[1] + ".",
                // Another alg name over Alice's RS256 signature.
                b64("{\"alg\":\"PS256\",\"typ\":\"JWT\",\"jwk\":" + aliceJwk + "}") + "." + p[1] + "." + p[2],
                // Alice's signature, Mallory's payload.
                p[0] + "." + b64(claims("alice@p.iam", "mallory", now() + 3600, "")) + "." + p[2],
                // Alice's signature with whitespace or padding around it.
                genuine.substring(0, genuine.lastIndexOf('.')) + ".%20" + p[2]);
        for (String forged : forgeries) {
            TokenHttpResponse r = send(g, rule, jwtBearer(forged, ""));
            assertThat(token(r)).as(forged).isNotEqualTo(aliceToken);
            assertThat(r.status()).as(forged).isEqualTo(400);
        }
        assertThat(idp.calls).as("every forgery reached the provider").hasValue(1 + forgeries.size());
        idp.status = 200;
        assertThat(token(send(g, rule, jwtBearer(assertion(alice, "alice@p.iam", jwkHeader(alice)), ""))))
                .isEqualTo(aliceToken);
        assertThat(idp.calls).hasValue(1 + forgeries.size());
        assertThat(listener.faults).isEmpty();
    }

    @Test
    void withAConfiguredKeyAKidOrJwkNamingItNeverLetsAForgerIn() throws Exception {
        Path pem = Files.writeString(dir.resolve("alice.pem"), TestJwts.pem(ALICE.getPublic()));
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.load(List.of(pem)));
        Guard g = guard(rule);
        String aliceToken = token(send(g, rule, jwtBearer(assertion(ALICE, "alice@p.iam", ",\"kid\":\"k1\""), "")));
        idpRefuses();
        for (String header : new String[] {",\"kid\":\"k1\"", ",\"kid\":\"k1\"" + jwkHeader(ALICE),
            ",\"kid\":\"k1\"" + jwkHeader(MALLORY)}) {
            TokenHttpResponse r = send(g, rule, jwtBearer(assertion(MALLORY, "alice@p.iam", header), ""));
            assertThat(token(r)).isNotEqualTo(aliceToken);
        }
        assertThat(idp.calls).hasValue(4);
    }

    @Test
    void oneKeyUnderTwoAlgorithmsOrAGrantTypeListNeverShares() throws Exception {
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        String c = claims("alice@p.iam", null, now() + 3600, "");
        String rs = token(send(g, rule, jwtBearer(sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\""
                + jwkHeader(ALICE) + "}", c), "")));
        String ps = token(send(g, rule, jwtBearer(sign("PS256", ALICE.getPrivate(), "{\"alg\":\"PS256\""
                + jwkHeader(ALICE) + "}", c), "")));
        assertThat(ps).isNotEqualTo(rs);
        // The provider may read the other grant: the assertion is then not read by its claims (one-time).
        for (int i = 0; i < 2; i++) {
            send(g, rule, jwtBearer(assertion(ALICE, "alice@p.iam", jwkHeader(ALICE)),
                    "&grant_type=client_credentials&client_id=c&client_secret=s"));
        }
        assertThat(idp.calls).hasValue(4);
    }

    // ------------------------------------------------------------------ body shapes

    @Test
    void jsonBodiesQueryCopiesAndCaseVariantsNeverCrossSigners() throws Exception {
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        String json = "application/json";
        String aliceJson = token(send(g, rule, post(GOOGLE_URL, null, json, "{\"grant_type\":\"" + JWT_BEARER_RAW
                + "\",\"assertion\":\"" + assertion(ALICE, "alice@p.iam", jwkHeader(ALICE)) + "\"}", 0)));
        // A fresh one of Alice's, with the JWT's first characters as JSON escapes: one signer, shares.
        String fresh = assertion(ALICE, "alice@p.iam", jwkHeader(ALICE));
        assertThat(token(send(g, rule, post(GOOGLE_URL, null, json, "{\"assertion\":\"\\u0065" + fresh.substring(1)
                + "\",\"grant_type\":\"" + JWT_BEARER_RAW + "\"}", 0)))).isEqualTo(aliceJson);
        assertThat(idp.calls).hasValue(1);
        idpRefuses();
        String forged = assertion(MALLORY, "alice@p.iam", jwkHeader(MALLORY));
        String kidOnly = assertion(MALLORY, "alice@p.iam", ",\"kid\":\"alice\"");
        List<TokenHttpRequest> attempts = List.of(
                post(GOOGLE_URL, null, json, "{\"grant_type\":\"" + JWT_BEARER_RAW + "\",\"assertion\":\"" + forged
                        + "\"}", 0),
                post(GOOGLE_URL, null, json, "{\"grant_type\":\"" + JWT_BEARER_RAW + "\",\"assertion\":[\"" + forged
                        + "\"]}", 0),
                post(GOOGLE_URL, null, json, "{\"grant_type\":\"" + JWT_BEARER_RAW + "\",\"assertion\":\"" + kidOnly
                        + "\",\"ASSERTION\":\"" + forged + "\"}", 0),
                post(GOOGLE_URL, null, json, "{\"grant_type\":\"" + JWT_BEARER_RAW + "\",\"assertion\":\"" + forged
                        + "\",\"assertion\":\"" + kidOnly + "\"}", 0),
                post(GOOGLE_URL + "?assertion=" + kidOnly, null, json, "{\"grant_type\":\"" + JWT_BEARER_RAW
                        + "\",\"assertion\":\"" + forged + "\"}", 0),
                post(GOOGLE_URL + "?assertion=" + forged, null, FORM, "grant_type=" + JWT_BEARER + "&ASSERTION="
                        + kidOnly, 0),
                post(GOOGLE_URL, null, FORM, "grant_type=" + JWT_BEARER + "&Assertion=" + forged + "&assertion="
                        + kidOnly, 0));
        for (TokenHttpRequest r : attempts) {
            assertThat(token(send(g, rule, r))).isNotEqualTo(aliceJson);
        }
        assertThat(idp.calls).hasValue(1 + attempts.size());
        assertThat(listener.faults).isEmpty();
    }

    // ------------------------------------------------------------------ client assertions

    private static String clientAssertion(KeyPair keys, String x5c, String clientId, long iat, String typeHeader) {
        return sign("RS256", keys.getPrivate(), "{\"alg\":\"RS256\"" + typeHeader + ",\"x5c\":" + x5c + "}",
                "{\"aud\":\"" + ENTRA_URL + "\",\"iss\":\"" + clientId + "\",\"sub\":\"" + clientId + "\",\"nbf\":"
                        + iat + ",\"exp\":" + (iat + 600) + ",\"iat\":" + iat + ",\"jti\":\"" + UUID.randomUUID()
                        + "\"}");
    }

    @Test
    void clientAssertionTypeTricksAndAForgersCertificateNeverGetTheAppsToken() throws Exception {
        TestJwts.SelfSigned app = TestJwts.selfSigned(dir, "app");
        TestJwts.SelfSigned forger = TestJwts.selfSigned(dir, "forger");
        EndpointRule entra = EndpointRule.builder("entra").url(ENTRA_URL).limit("none").build();
        Guard g = guard(entra);
        String body = "scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&grant_type=client_credentials";
        String appToken = token(send(g, entra, post(ENTRA_URL, null, FORM, body + "&client_assertion_type="
                + CLIENT_ASSERTION_TYPE + "&client_assertion=" + clientAssertion(app.keys, app.x5c(), "app-1", now(), ""),
                0)));
        idp.status = 401;
        idp.body = "{\"error\":\"invalid_client\",\"error_codes\":[700027]}";
        String forged = clientAssertion(forger.keys, forger.x5c(), "app-1", now(), "");
        String forgedAppX5c = clientAssertion(forger.keys, app.x5c(), "app-1", now(), "");
        List<String> bodies = List.of(
                body + "&client_assertion_type=" + CLIENT_ASSERTION_TYPE + "&client_assertion=" + forged,
                body + "&client_assertion_type=" + CLIENT_ASSERTION_TYPE + "&client_assertion=" + forgedAppX5c,
                body + "&client_assertion_type=urn%3Aother&client_assertion=" + forged,
                body + "&client_assertion_type=" + CLIENT_ASSERTION_TYPE + "&client_assertion_type=urn%3Aother"
                        + "&client_assertion=" + forged,
                body + "&client_assertion_type=" + CLIENT_ASSERTION_TYPE + "&CLIENT_ASSERTION=" + forged,
                body + "&client_assertion_type=" + CLIENT_ASSERTION_TYPE + "&client_assertion=" + forged
                        + "&client_assertion=" + forgedAppX5c,
                body + "&client_id=app-1&client_assertion_type=" + CLIENT_ASSERTION_TYPE + "&client_assertion="
                        + forged);
        for (String b : bodies) {
            assertThat(token(send(g, entra, post(ENTRA_URL, null, FORM, b, 0)))).as(b).isNotEqualTo(appToken);
        }
        assertThat(idp.calls).hasValue(1 + bodies.size());
    }

    @Test
    void aForgersTooManyRequestsNeverHoldsTheRealCertificateClient() throws Exception {
        TestJwts.SelfSigned app = TestJwts.selfSigned(dir, "app");
        TestJwts.SelfSigned forger = TestJwts.selfSigned(dir, "forger");
        EndpointRule entra = EndpointRule.builder("entra").url(ENTRA_URL).limit("none").build();
        Guard g = guard(entra);
        String body = "client_id=app-1&grant_type=client_credentials&client_assertion_type=" + CLIENT_ASSERTION_TYPE
                + "&client_assertion=";
        idp.status = 429;
        idp.body = "{\"error\":\"temporarily_unavailable\"}";
        idp.headers = HttpHeaders.builder().add("Content-Type", "application/json").add("Retry-After", "60").build();
        send(g, entra, post(ENTRA_URL, null, FORM, body + clientAssertion(forger.keys, forger.x5c(), "app-1", now(), ""),
                0));
        send(g, entra, post(ENTRA_URL, null, FORM, body + clientAssertion(forger.keys, app.x5c(), "app-1", now(), ""),
                0));
        idp.status = 200;
        idp.body = "{\"access_token\":\"tok-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
        idp.headers = HttpHeaders.builder().add("Content-Type", "application/json").build();
        TokenHttpResponse real = send(g, entra, post(ENTRA_URL, null, FORM,
                body + clientAssertion(app.keys, app.x5c(), "app-1", now(), ""), 0));
        assertThat(real.status()).isEqualTo(200);
        assertThat(idp.calls).hasValue(3);
    }

    /**
     * The rule, kept on purpose: a cooldown's subject is the assertion's iss and sub, verified or
     * not (a limit is only a count). A provider that answered 429 to a forger before checking its
     * signature would hold the account here too; Google, Entra and the emulated ones check first.
     */
    @Test
    void aCooldownHoldsTheAssertedServiceAccountVerifiedOrNot() throws Exception {
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        idp.status = 429;
        idp.body = "{\"error\":\"rate_limit_exceeded\"}";
        idp.headers = HttpHeaders.builder().add("Content-Type", "application/json").add("Retry-After", "60").build();
        send(g, rule, jwtBearer(assertion(MALLORY, "alice@p.iam", jwkHeader(MALLORY)), ""));
        idp.status = 200;
        idp.body = "{\"access_token\":\"tok-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
        idp.headers = HttpHeaders.builder().add("Content-Type", "application/json").build();
        TokenHttpResponse alice = send(g, rule, jwtBearer(assertion(ALICE, "alice@p.iam", jwkHeader(ALICE)), ""));
        assertThat(alice.status()).isEqualTo(429);
        assertThat(idp.calls).hasValue(1);
    }

    // ------------------------------------------------------------------ DPoP

    private String proof(KeyPair signer, KeyPair inHeader, String htm, String htu, long iat) {
        return sign("ES256", signer.getPrivate(), "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":"
                + jwk(inHeader.getPublic()) + "}", "{\"jti\":\"" + UUID.randomUUID() + "\",\"htm\":\"" + htm
                + "\",\"htu\":\"" + htu + "\",\"iat\":" + iat + "}");
    }

    private static TokenHttpRequest dpopRequest(String url, String... proofs) {
        HttpHeaders.Builder h = HttpHeaders.builder().add("Content-Type", FORM)
                .add("Authorization", TestRequests.basic("dpop-client", "s"));
        for (String p : proofs) {
            h.add("DPoP", p);
        }
        return withHeaders("POST", url, h.build(), "grant_type=client_credentials");
    }

    @Test
    void dpopProofTricksNeverGetAnotherKeysToken() throws Exception {
        EndpointRule rule = EndpointRule.builder("dpop").url(DPOP_URL).limit("none").build();
        Guard g = guard(rule);
        idp.body = "{\"access_token\":\"tok-1\",\"token_type\":\"DPoP\",\"expires_in\":3600}";
        String a = token(send(g, rule, dpopRequest(DPOP_URL, proof(EC_A, EC_A, "POST", DPOP_URL, now()))));
        // Key A's own fresh proofs, htu written another way (case, default port, query, fragment): A's token.
        for (String htu : new String[] {"https://AS.example:443/oauth2/token", DPOP_URL + "?x=1", DPOP_URL + "#f",
            "https://as.example./oauth2/token"}) {
            assertThat(token(send(g, rule, dpopRequest(DPOP_URL, proof(EC_A, EC_A, "POST", htu, now()))))).as(htu)
                    .isEqualTo(a);
        }
        assertThat(idp.calls).hasValue(1);
        List<TokenHttpRequest> others = List.of(
                dpopRequest(DPOP_URL, proof(EC_B, EC_B, "POST", DPOP_URL, now())),
                // B's signature under A's jwk; A's jwk with B's signature and extra members.
                dpopRequest(DPOP_URL, proof(EC_B, EC_A, "POST", DPOP_URL, now())),
                // Two proofs, one of each key, either order; the same proof twice.
                dpopRequest(DPOP_URL, proof(EC_A, EC_A, "POST", DPOP_URL, now()), proof(EC_B, EC_B, "POST", DPOP_URL,
                        now())),
                dpopRequest(DPOP_URL, proof(EC_B, EC_B, "POST", DPOP_URL, now()), proof(EC_A, EC_A, "POST", DPOP_URL,
                        now())),
                dpopRequest(DPOP_URL, proof(EC_A, EC_A, "POST", DPOP_URL, now()), proof(EC_A, EC_A, "POST", DPOP_URL,
                        now())),
                // A's proofs of another request: method, port, path, scheme.
                dpopRequest(DPOP_URL, proof(EC_A, EC_A, "GET", DPOP_URL, now())),
                dpopRequest(DPOP_URL, proof(EC_A, EC_A, "post", DPOP_URL, now())),
                dpopRequest(DPOP_URL, proof(EC_A, EC_A, "POST", "https://as.example:8443/oauth2/token", now())),
                dpopRequest(DPOP_URL, proof(EC_A, EC_A, "POST", "http://as.example/oauth2/token", now())),
                dpopRequest(DPOP_URL, proof(EC_A, EC_A, "POST", "https://as.example/oauth2/token/other", now())),
                // A's proof, too old or too new.
                dpopRequest(DPOP_URL, proof(EC_A, EC_A, "POST", DPOP_URL, now() - 301)),
                dpopRequest(DPOP_URL, proof(EC_A, EC_A, "POST", DPOP_URL, now() + 301)),
                // A's fresh proof, but another URL query (another request to the server).
                dpopRequest(DPOP_URL + "?tenant=2", proof(EC_A, EC_A, "POST", DPOP_URL + "?tenant=2", now())),
                // No DPoP header at all: a bearer request never gets the DPoP-bound token.
                dpopRequest(DPOP_URL));
        for (TokenHttpRequest r : others) {
            assertThat(token(send(g, rule, r))).isNotEqualTo(a);
        }
        assertThat(idp.calls).hasValue(1 + others.size());
        // Another client (its own Basic credentials) with a fresh proof of key A: its own call.
        TokenHttpRequest otherClient = withHeaders("POST", DPOP_URL, HttpHeaders.builder().add("Content-Type", FORM)
                .add("Authorization", TestRequests.basic("other-client", "s"))
                .add("DPoP", proof(EC_A, EC_A, "POST", DPOP_URL, now())).build(), "grant_type=client_credentials");
        assertThat(token(send(g, rule, otherClient))).isNotEqualTo(a);
        assertThat(idp.calls).hasValue(2 + others.size());
        assertThat(listener.faults).isEmpty();
    }

    @Test
    void aDpopProofReplayedAfterItsWindowReachesTheProvider() throws Exception {
        EndpointRule rule = EndpointRule.builder("dpop").url(DPOP_URL).limit("none").build();
        Guard g = guard(rule);
        idp.body = "{\"access_token\":\"tok-1\",\"token_type\":\"DPoP\",\"expires_in\":3600}";
        String proof = proof(EC_A, EC_A, "POST", DPOP_URL, now());
        String a = token(send(g, rule, dpopRequest(DPOP_URL, proof)));
        clock.advance(Duration.ofSeconds(301));
        // The same bytes, memoized while valid: now stale, exact bytes and one-time.
        send(g, rule, dpopRequest(DPOP_URL, proof));
        send(g, rule, dpopRequest(DPOP_URL, proof));
        assertThat(idp.calls).hasValue(3);
        // A's fresh proof still shares A's token.
        assertThat(token(send(g, rule, dpopRequest(DPOP_URL, proof(EC_A, EC_A, "POST", DPOP_URL, now())))))
                .isEqualTo(a);
        assertThat(idp.calls).hasValue(3);
    }

    // ------------------------------------------------------------------ memo and modes

    @Test
    void aMemoizedReadingIsRefusedOnceTheAssertionHasExpired() throws Exception {
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        String shortLived = sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\"" + jwkHeader(ALICE) + "}",
                claims("alice@p.iam", null, now() + 30, ""));
        String t = token(send(g, rule, jwtBearer(shortLived, "")));
        clock.advance(Duration.ofSeconds(31));
        send(g, rule, jwtBearer(shortLived, ""));
        send(g, rule, jwtBearer(shortLived, ""));
        assertThat(idp.calls).as("an expired assertion is one-time exact bytes").hasValue(3);
        assertThat(token(send(g, rule, jwtBearer(assertion(ALICE, "alice@p.iam", jwkHeader(ALICE)), ""))))
                .isEqualTo(t);
        assertThat(idp.calls).hasValue(3);
    }

    @Test
    void claimsUnverifiedOnOneEndpointNeverLeaksIntoAVerifiedOne() throws Exception {
        EndpointRule loose = EndpointRule.builder("loose").url(OTHER_URL).limit("none")
                .assertionIdentity(AssertionIdentity.CLAIMS_UNVERIFIED).build();
        EndpointRule strict = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(loose, strict);
        String c = claims("alice@p.iam", null, now() + 3600, "");
        String alice = sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\"" + jwkHeader(ALICE) + "}", c);
        String forged = sign("RS256", MALLORY.getPrivate(), "{\"alg\":\"RS256\",\"kid\":\"a\"}", c);
        // The same bytes to both endpoints (memo keyed by endpoint and mode).
        String looseToken = token(send(g, loose, post(OTHER_URL, null, FORM, "grant_type=" + JWT_BEARER
                + "&assertion=" + alice, 0)));
        String strictToken = token(send(g, strict, jwtBearer(alice, "")));
        assertThat(strictToken).isNotEqualTo(looseToken);
        assertThat(idp.calls).hasValue(2);
        // The forger on the loose endpoint: served (documented); on the strict one: reaches the provider.
        assertThat(token(send(g, loose, post(OTHER_URL, null, FORM, "grant_type=" + JWT_BEARER + "&assertion="
                + forged, 0)))).isEqualTo(looseToken);
        idpRefuses();
        TokenHttpResponse r = send(g, strict, jwtBearer(forged, ""));
        assertThat(token(r)).isNotEqualTo(strictToken).isNotEqualTo(looseToken);
        assertThat(idp.calls).hasValue(3);
        // Exact mode on a third endpoint: a memoized verified reading of the same bytes is never used.
        EndpointRule exact = EndpointRule.builder("exact").url(ENTRA_URL).limit("none")
                .assertionIdentity(AssertionIdentity.EXACT).build();
        Guard g2 = guard(exact, strict);
        idp.status = 200;
        send(g2, strict, jwtBearer(alice, ""));
        send(g2, exact, post(ENTRA_URL, null, FORM, "grant_type=" + JWT_BEARER + "&assertion=" + alice, 0));
        send(g2, exact, post(ENTRA_URL, null, FORM, "grant_type=" + JWT_BEARER + "&assertion="
                + sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\"" + jwkHeader(ALICE) + "}",
                claims("alice@p.iam", null, now() + 3600, "")), 0));
        assertThat(idp.calls).hasValue(6);
    }

    // ------------------------------------------------------------------ crashes and leaks

    @Test
    void hostileAssertionsAndProofsNeverFaultNorThrow() throws Exception {
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        String c = claims("a", null, now() + 3600, "");
        List<String> hostile = List.of(
                sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"x5c\":[\"MIIBAAAA\"]}", c),
                sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"x5c\":[\"" + "MIIB".repeat(2000) + "\"]}", c),
                sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\","
                        + "\"x\":\"AQ\",\"y\":\"AQ\"}}", c),
                sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"RSA\",\"n\":\"\",\"e\":\"\"}}",
                        c),
                sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
                        + "\"x\":\"!!\"}}", c),
                sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"h\":" + "[".repeat(40) + "]".repeat(40) + "}",
                        c),
                sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\"" + jwkHeader(ALICE) + "}",
                        "{\"exp\":" + (now() + 60) + ",\"n\":1" + "0".repeat(5000) + "}"),
                sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\"" + jwkHeader(ALICE) + "}",
                        "{\"exp\":" + (now() + 60) + "0".repeat(30) + "}"),
                sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\"" + jwkHeader(ALICE) + "}",
                        "{\"exp\":" + (now() + 60) + ",\"s\":\"\\ud800\\u0000\"}"),
                "%FF%FE.%00.%00", "", "...", "a.b.c");
        for (String h : hostile) {
            TokenHttpResponse r = send(g, rule, jwtBearer(h, ""));
            assertThat(r.status()).isEqualTo(200);
            HttpHeaders.Builder many = HttpHeaders.builder().add("Content-Type", FORM);
            for (int i = 0; i < 20; i++) {
                many.add(i % 2 == 0 ? "DPoP" : "dpop", h);
            }
            assertThat(send(g, rule, withHeaders("POST", GOOGLE_URL, many.build(), "grant_type=client_credentials"))
                    .status()).isEqualTo(200);
        }
        assertThat(listener.faults).isEmpty();
        assertThat(listener.violations).isEmpty();
    }

    @Test
    void keyFilesWithSecretsNeverPrintThem() throws Exception {
        String secret = "c3VwZXItc2VjcmV0LWhtYWMta2V5LXZhbHVl";
        Path jwks = Files.writeString(dir.resolve("secret.json"), "{\"keys\":[{\"kty\":\"oct\",\"k\":\"" + secret
                + "\"}]}");
        Path pem = Files.writeString(dir.resolve("secret.pem"), "-----BEGIN PRIVATE KEY-----\n" + secret
                + "\n-----END PRIVATE KEY-----\n");
        for (Path p : List.of(jwks, pem)) {
            try {
                TrustedKeys.load(List.of(p));
                throw new AssertionError("loaded " + p);
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).doesNotContain(secret);
                assertThat(String.valueOf(e.getCause())).doesNotContain(secret);
            }
        }
        Path ok = Files.writeString(dir.resolve("ok.pem"), TestJwts.pem(ALICE.getPublic()));
        assertThat(TrustedKeys.load(List.of(ok)).toString()).doesNotContain("MII");
    }
}
