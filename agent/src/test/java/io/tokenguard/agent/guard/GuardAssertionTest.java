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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Careless service accounts and certificate clients (issue 14): fresh assertions of one signer share
 * one upstream call; another signer, a forger, a relayed assertion or a proof of another key never
 * gets that answer.
 */
class GuardAssertionTest {
    private static final int CARELESS = 20;
    private static final KeyPair ALICE = TestJwts.rsa();
    private static final KeyPair BOB = TestJwts.rsa();
    private static final KeyPair MALLORY = TestJwts.rsa();

    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final RecordingListener listener = new RecordingListener();

    @TempDir
    Path dir;

    private long now() {
        return clock.wallClockMillis() / 1000;
    }

    private Guard guard(EndpointRule rule) {
        return new Guard(AgentSettings.builder().mode(Mode.ENFORCE).rule(rule).build(), clock, listener);
    }

    /** google-auth-library's assertion: a fresh iat and jti each time, kid only, or a jwk / x5c header. */
    private String assertion(KeyPair keys, String serviceAccount, String headerExtra) {
        long iat = now();
        return sign("RS256", keys.getPrivate(), "{\"alg\":\"RS256\",\"typ\":\"JWT\"" + headerExtra + "}",
                "{\"iss\":\"" + serviceAccount + "\",\"scope\":\"https://www.googleapis.com/auth/cloud-platform\","
                        + "\"aud\":\"" + GOOGLE_URL + "\",\"exp\":" + (iat + 3600) + ",\"iat\":" + iat
                        + ",\"jti\":\"" + UUID.randomUUID() + "\"}");
    }

    private TokenHttpResponse send(Guard g, EndpointRule rule, TokenHttpRequest request) throws Exception {
        return g.exchange(rule, request, idp.upstream());
    }

    @Test
    void freshAssertionsOfOneServiceAccountShareOneCallWithAJwkHeader() throws Exception {
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < CARELESS; i++) {
            TokenHttpResponse r = send(g, rule, jwtBearer(assertion(ALICE, "sa@p.iam", jwkHeader(ALICE)), ""));
            assertThat(r.status()).isEqualTo(200);
            tokens.add(token(r));
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(idp.calls).hasValue(1);
        assertThat(tokens).hasSize(1);
    }

    @Test
    void freshAssertionsShareWithAnX5cCertificateAndWithConfiguredKeys() throws Exception {
        TestJwts.SelfSigned cert = TestJwts.selfSigned(dir, "entra-app");
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        String x5c = ",\"x5c\":" + cert.x5c();
        for (int i = 0; i < CARELESS; i++) {
            assertThat(send(g, rule, jwtBearer(assertion(cert.keys, "app", x5c), "")).status()).isEqualTo(200);
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(idp.calls).as("x5c").hasValue(1);

        // Google's own: kid only. Without the key, every fresh assertion reaches the provider ...
        EndpointRule bare = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard unconfigured = guard(bare);
        for (int i = 0; i < 3; i++) {
            send(unconfigured, bare, jwtBearer(assertion(ALICE, "sa@p.iam", ",\"kid\":\"k1\""), ""));
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(idp.calls).as("kid only, no key configured").hasValue(4);
        // ... with the service account's public key configured, they share one call.
        Path pem = Files.writeString(dir.resolve("sa.pem"), TestJwts.pem(ALICE.getPublic()));
        EndpointRule configured = google(AssertionIdentity.VERIFIED, TrustedKeys.load(List.of(pem)));
        Guard withKeys = guard(configured);
        for (int i = 0; i < CARELESS; i++) {
            send(withKeys, configured, jwtBearer(assertion(ALICE, "sa@p.iam", ",\"kid\":\"k1\""), ""));
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(idp.calls).as("configured key").hasValue(5);
    }

    @Test
    void twoServiceAccountsAndAForgerNeverShare() throws Exception {
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        String alice = token(send(g, rule, jwtBearer(assertion(ALICE, "alice@p.iam", jwkHeader(ALICE)), "")));
        String bob = token(send(g, rule, jwtBearer(assertion(BOB, "bob@p.iam", jwkHeader(BOB)), "")));
        assertThat(idp.calls).hasValue(2);
        assertThat(bob).isNotEqualTo(alice);

        // Alice's claims, Mallory's key in the header: verifies as Mallory's, reaches the provider.
        idp.status = 400;
        idp.body = "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}";
        TokenHttpResponse forged = send(g, rule, jwtBearer(assertion(MALLORY, "alice@p.iam", jwkHeader(MALLORY)), ""));
        // Alice's key named in the header, Mallory's signature: does not verify, exact bytes, reaches it.
        TokenHttpResponse named = send(g, rule, jwtBearer(assertion(MALLORY, "alice@p.iam", jwkHeader(ALICE)), ""));
        // Claimed by kid alone.
        TokenHttpResponse kid = send(g, rule, jwtBearer(assertion(MALLORY, "alice@p.iam", ",\"kid\":\"alice\""), ""));
        assertThat(idp.calls).hasValue(5);
        for (TokenHttpResponse r : List.of(forged, named, kid)) {
            assertThat(r.status()).isEqualTo(400);
            assertThat(token(r)).doesNotContain(alice);
        }
        // And Alice herself is still served her own token, from the cache.
        idp.status = 200;
        assertThat(token(send(g, rule, jwtBearer(assertion(ALICE, "alice@p.iam", jwkHeader(ALICE)), ""))))
                .isEqualTo(alice);
        assertThat(idp.calls).hasValue(5);
    }

    /**
     * The hostile corpus, each with Alice's claims once her token is cached: no crash, each reaches the
     * provider (nothing verifies, and each is one-time or a new request), none is served her token.
     */
    @Test
    void hostileAssertionsAreNeverServedAnotherSignersToken() throws Exception {
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        String alice = token(send(g, rule, jwtBearer(assertion(ALICE, "sa@p.iam", jwkHeader(ALICE)), "")));
        String good = assertion(ALICE, "sa@p.iam", jwkHeader(ALICE));
        String[] parts = good.split("\\.");
        long iat = now();
        String claims = "{\"iss\":\"sa@p.iam\",\"scope\":\"https://www.googleapis.com/auth/cloud-platform\",\"aud\":\""
                + GOOGLE_URL + "\",\"exp\":" + (iat + 3600) + ",\"iat\":" + iat + ",\"jti\":\"hostile\"}";
        String jwk = jwkHeader(ALICE);
        List<String> hostile = new java.util.ArrayList<>(List.of(
                good.substring(0, good.length() - 7), good + "=", parts[0] + "." + parts[1] + ".",
                parts[0] + ".%%%." + parts[2], parts[0] + "." + parts[1] + "." + parts[2] + "AA",
                TestJwts.b64("{\"alg\":\"none\"" + jwk + "}") + "." + TestJwts.b64(claims) + ".",
                TestJwts.b64("{\"alg\":\"HS256\"" + jwk + "}") + "." + TestJwts.b64(claims) + ".c2ln",
                sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"crit\":[\"x\"],\"x\":1" + jwk + "}", claims),
                sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"cty\":\"JWT\"" + jwk + "}", good),
                sign("RS256", ALICE.getPrivate(), "{\"alg\":\"RS256\",\"pad\":\"" + "p".repeat(40_000) + "\"" + jwk
                        + "}", claims),
                sign("RS256", MALLORY.getPrivate(), "{\"alg\":\"RS256\"" + jwk + "}", claims)));
        int calls = idp.calls.get();
        idp.status = 400;
        idp.body = "{\"error\":\"invalid_grant\"}";
        for (String jwt : hostile) {
            TokenHttpResponse r = send(g, rule, jwtBearer(jwt, ""));
            assertThat(token(r)).as(jwt.length() > 120 ? jwt.substring(0, 120) : jwt).isNotEqualTo(alice);
            assertThat(r.status()).isEqualTo(400);
        }
        assertThat(idp.calls.get() - calls).as("every hostile assertion reached the provider").isEqualTo(hostile.size());
        assertThat(listener.faults).isEmpty();
    }

    /** Past two values of one parameter the rest count as their bytes: a request cannot buy unbounded checks. */
    @Test
    void onlyTheFirstTwoValuesOfAParameterAreVerified() throws Exception {
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        for (int i = 0; i < 2; i++) {
            send(g, rule, jwtBearer(assertion(ALICE, "sa@p.iam", jwkHeader(ALICE)), "&assertion="
                    + assertion(ALICE, "sa@p.iam", jwkHeader(ALICE)) + "&assertion=" + assertion(ALICE, "sa@p.iam",
                    jwkHeader(ALICE))));
        }
        assertThat(idp.calls).as("the third, unread, is one-time").hasValue(2);
        for (int i = 0; i < 2; i++) {
            send(g, rule, jwtBearer(assertion(ALICE, "sa@p.iam", jwkHeader(ALICE)), "&assertion="
                    + assertion(ALICE, "sa@p.iam", jwkHeader(ALICE))));
        }
        assertThat(idp.calls).as("two values, both verified: shared").hasValue(3);
    }

    /** A shared answer lives as any other: the token's lifetime less the refresh skew, then a fresh call. */
    @Test
    void aSharedAnswerNeverOutlivesTheTokenItHolds() throws Exception {
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        String first = token(send(g, rule, jwtBearer(assertion(ALICE, "sa@p.iam", jwkHeader(ALICE)), "")));
        clock.advance(Duration.ofMinutes(50));
        assertThat(token(send(g, rule, jwtBearer(assertion(ALICE, "sa@p.iam", jwkHeader(ALICE)), ""))))
                .isEqualTo(first);
        assertThat(idp.calls).hasValue(1);
        // expires_in 3600: past it (less the skew) a fresh assertion gets a fresh token.
        clock.advance(Duration.ofMinutes(10));
        assertThat(token(send(g, rule, jwtBearer(assertion(ALICE, "sa@p.iam", jwkHeader(ALICE)), ""))))
                .isNotEqualTo(first);
        assertThat(idp.calls).hasValue(2);
    }

    @Test
    void exactModeAndRelayedAssertionsStayOneTime() throws Exception {
        EndpointRule exact = google(AssertionIdentity.EXACT, TrustedKeys.NONE);
        Guard g = guard(exact);
        for (int i = 0; i < 3; i++) {
            send(g, exact, jwtBearer(assertion(ALICE, "sa@p.iam", jwkHeader(ALICE)), ""));
        }
        assertThat(idp.calls).as("exact").hasValue(3);

        EndpointRule verified = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard v = guard(verified);
        // On-behalf-of relays a user's token as the assertion: each is its own request.
        for (int i = 0; i < 3; i++) {
            send(v, verified, jwtBearer(assertion(ALICE, "user@p", jwkHeader(ALICE)),
                    "&requested_token_use=on_behalf_of&client_id=api&client_secret=s"));
        }
        assertThat(idp.calls).as("on-behalf-of").hasValue(6);
        // Token exchange's subject_token: exact bytes (a fresh one is a new request; no jti, the same bytes share).
        for (int i = 0; i < 3; i++) {
            send(v, verified, post(GOOGLE_URL, null, FORM, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3A"
                    + "token-exchange&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt&subject_token="
                    + assertion(ALICE, "user@p", jwkHeader(ALICE)), 0));
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(idp.calls).as("token exchange").hasValue(9);
    }

    @Test
    void claimsUnverifiedServesWhoeverWritesTheSameClaims() throws Exception {
        EndpointRule rule = google(AssertionIdentity.CLAIMS_UNVERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        String alice = token(send(g, rule, jwtBearer(assertion(ALICE, "sa@p.iam", ",\"kid\":\"k\""), "")));
        String mallory = token(send(g, rule, jwtBearer(assertion(MALLORY, "sa@p.iam", ""), "")));
        assertThat(idp.calls).hasValue(1);
        assertThat(mallory).as("the documented risk of claims-unverified").isEqualTo(alice);
    }

    @Test
    void oneServiceAccountsTooManyRequestsHoldsThatAccountOnly() throws Exception {
        EndpointRule rule = google(AssertionIdentity.VERIFIED, TrustedKeys.NONE);
        Guard g = guard(rule);
        idp.status = 429;
        idp.body = "{\"error\":\"rate_limit_exceeded\",\"error_description\":\"quota exceeded\"}";
        idp.headers = HttpHeaders.builder().add("Content-Type", "application/json").add("Retry-After", "60").build();
        assertThat(send(g, rule, jwtBearer(assertion(ALICE, "alice@p.iam", jwkHeader(ALICE)), "")).status())
                .isEqualTo(429);
        idp.status = 200;
        idp.body = "{\"access_token\":\"tok-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
        idp.headers = HttpHeaders.builder().add("Content-Type", "application/json").build();
        // Alice again, a fresh assertion (fresh jti): held locally. Even kid-only (not verified): held by iss/sub.
        TokenHttpResponse held = send(g, rule, jwtBearer(assertion(ALICE, "alice@p.iam", jwkHeader(ALICE)), ""));
        TokenHttpResponse heldUnverified = send(g, rule, jwtBearer(assertion(ALICE, "alice@p.iam", ",\"kid\":\"a\""),
                ""));
        TokenHttpResponse bob = send(g, rule, jwtBearer(assertion(BOB, "bob@p.iam", jwkHeader(BOB)), ""));
        assertThat(held.status()).isEqualTo(429);
        assertThat(heldUnverified.status()).isEqualTo(429);
        assertThat(bob.status()).isEqualTo(200);
        assertThat(idp.calls).hasValue(2);
    }

    // ---------------------------------------------------------------- private_key_jwt, Entra-like

    private String clientAssertion(TestJwts.SelfSigned cert, String clientId) {
        long iat = now();
        return sign("RS256", cert.keys.getPrivate(), "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5t\":\"t\",\"x5c\":"
                + cert.x5c() + "}", "{\"aud\":\"" + ENTRA_URL + "\",\"iss\":\"" + clientId + "\",\"sub\":\"" + clientId
                + "\",\"nbf\":" + iat + ",\"exp\":" + (iat + 600) + ",\"iat\":" + iat + ",\"jti\":\""
                + UUID.randomUUID() + "\"}");
    }

    private static TokenHttpRequest clientCredentials(String clientId, String assertion) {
        return post(ENTRA_URL, null, FORM, "client_id=" + clientId + "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
                + "&grant_type=client_credentials&client_assertion_type=" + CLIENT_ASSERTION_TYPE + "&client_assertion="
                + assertion, 0);
    }

    @Test
    void aCertificateClientsFreshClientAssertionsShareOneCall() throws Exception {
        TestJwts.SelfSigned app = TestJwts.selfSigned(dir, "app");
        TestJwts.SelfSigned forger = TestJwts.selfSigned(dir, "forger");
        EndpointRule entra = EndpointRule.builder("entra").url(ENTRA_URL).limit("none").build();
        Guard g = guard(entra);
        String first = null;
        for (int i = 0; i < CARELESS; i++) {
            TokenHttpResponse r = send(g, entra, clientCredentials("app-1", clientAssertion(app, "app-1")));
            assertThat(r.status()).isEqualTo(200);
            first = first == null ? token(r) : first;
            assertThat(token(r)).isEqualTo(first);
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(idp.calls).hasValue(1);
        // The same client id and claims from another certificate: its own call, its own answer.
        idp.status = 401;
        idp.body = "{\"error\":\"invalid_client\",\"error_codes\":[700027]}";
        TokenHttpResponse forged = send(g, entra, clientCredentials("app-1", clientAssertion(forger, "app-1")));
        assertThat(forged.status()).isEqualTo(401);
        assertThat(idp.calls).hasValue(2);
    }

    // ---------------------------------------------------------------- DPoP

    private TokenHttpRequest dpop(KeyPair keys, String htu) throws Exception {
        String proof = sign("ES256", keys.getPrivate(), "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":"
                + jwk(keys.getPublic()) + "}", "{\"jti\":\"" + UUID.randomUUID() + "\",\"htm\":\"POST\",\"htu\":\""
                + htu + "\",\"iat\":" + now() + "}");
        HttpHeaders h = HttpHeaders.builder().add("Content-Type", FORM).add("DPoP", proof)
                .add("Authorization", TestRequests.basic("dpop-client", "s")).build();
        return new TokenHttpRequest(TestRequests.CLIENT, "POST", new URL(DPOP_URL), h,
                "grant_type=client_credentials".getBytes(StandardCharsets.UTF_8), 0);
    }


    @Test
    void dpopProofsOfOneKeyShareItsTokenAndAnotherKeyNeverGetsIt() throws Exception {
        EndpointRule rule = EndpointRule.builder("dpop").url(DPOP_URL).limit("none").build();
        Guard g = guard(rule);
        KeyPair key = TestJwts.ec("secp256r1");
        KeyPair other = TestJwts.ec("secp256r1");
        idp.body = "{\"access_token\":\"tok-1\",\"token_type\":\"DPoP\",\"expires_in\":3600}";
        String first = token(send(g, rule, dpop(key, DPOP_URL)));
        for (int i = 0; i < CARELESS; i++) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(token(send(g, rule, dpop(key, DPOP_URL)))).isEqualTo(first);
        }
        assertThat(FakeIdp.text(send(g, rule, dpop(key, DPOP_URL)))).as("token_type as the provider gave it")
                .contains("\"token_type\":\"DPoP\"");
        assertThat(idp.calls).hasValue(1);
        assertThat(token(send(g, rule, dpop(other, DPOP_URL)))).isNotEqualTo(first);
        assertThat(idp.calls).hasValue(2);
        // A proof for another URL is not a proof of this request: exact bytes, one-time, its own call.
        send(g, rule, dpop(key, "https://as.example/other"));
        assertThat(idp.calls).hasValue(3);
    }

    @Test
    void aNonceDemandIsNeverCached() throws Exception {
        EndpointRule rule = EndpointRule.builder("dpop").url(DPOP_URL).limit("none").build();
        Guard g = guard(rule);
        KeyPair key = TestJwts.ec("secp256r1");
        idp.status = 400;
        idp.body = "{\"error\":\"use_dpop_nonce\",\"error_description\":\"Authorization server requires nonce\"}";
        idp.headers = HttpHeaders.builder().add("Content-Type", "application/json").add("DPoP-Nonce", "n-1").build();
        for (int i = 0; i < 3; i++) {
            assertThat(send(g, rule, dpop(key, DPOP_URL)).status()).isEqualTo(400);
        }
        assertThat(idp.calls).hasValue(3);
        idp.status = 200;
        idp.body = "{\"access_token\":\"tok-1\",\"token_type\":\"DPoP\",\"expires_in\":3600}";
        assertThat(send(g, rule, dpop(key, DPOP_URL)).status()).isEqualTo(200);
        assertThat(idp.calls).hasValue(4);
    }
}
