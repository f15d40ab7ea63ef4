package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.LimitPer;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.config.SafeText;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hostile review of the identity engine (issue 10). Every test asserts the SAFE behaviour: a
 * failing test is a defect. The FakeIdp issues a new token per call, so a shared answer shows as
 * a second request that never reached it.
 */
class HostileReviewTest {
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String JSON = "application/json";
    private static final String CLIENT = basic("sample-app-client", "sample-app-secret");
    private static final String GITHUB_URL = "https://github.com/login/oauth/access_token";

    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final RecordingListener listener = new RecordingListener();

    // ------------------------------------------------------------------------------------------ helpers

    private Guard guard(EndpointRule... rules) {
        AgentSettings.Builder b = AgentSettings.builder().mode(Mode.ENFORCE);
        for (EndpointRule r : rules) {
            b.rule(r);
        }
        return new Guard(b.build(), clock, listener);
    }

    private static EndpointRule limited(String url) {
        return EndpointRule.builder("limited").url(url).limit("1/60s").onLimit(OnLimit.REJECT).build();
    }

    private static EndpointRule unlimited(String url) {
        return EndpointRule.builder("idp").url(url).build();
    }

    private static TokenHttpRequest password(String jsonUser, String password) {
        return post(ELOQUA_URL, CLIENT, JSON, "{\"grant_type\":\"password\",\"username\":\"" + jsonUser
                + "\",\"password\":\"" + password + "\"}", 0);
    }

    private static TokenHttpRequest withHeader(TokenHttpRequest r, String name, String value) {
        HttpHeaders.Builder b = HttpHeaders.builder();
        for (int i = 0; i < r.headers().size(); i++) {
            b.add(r.headers().name(i), r.headers().value(i));
        }
        return new TokenHttpRequest(r.client(), r.method(), r.url(), b.add(name, value).build(), r.body(), r.timeoutMillis());
    }

    private static TokenHttpRequest withMethod(TokenHttpRequest r, String method) {
        return new TokenHttpRequest(r.client(), method, r.url(), r.headers(), r.body(), r.timeoutMillis());
    }

    private static String jwt(String payloadJson) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    private void answer429() {
        idp.status = 429;
        idp.body = "{\"error\":\"too_many_requests\"}";
        idp.headers = HttpHeaders.builder().add("Content-Type", JSON).add("Retry-After", "60").build();
    }

    private void answerTokens() {
        idp.status = 200;
        idp.body = "{\"access_token\":\"tok-1\",\"token_type\":\"bearer\",\"expires_in\":3600}";
        idp.headers = HttpHeaders.builder().add("Content-Type", JSON).build();
    }

    // ============================================================ A. a token served across identities / to a wrong credential

    /**
     * GitHub's token endpoint takes a code with no grant_type at all (the built-in rule's requests look
     * like this). A code is single-use: a replay is refused by GitHub ("bad_verification_code"). If the
     * cache answers it, an attacker who injects a victim's (already redeemed) code into his own session
     * at the app gets the victim's token (authorization-code injection).
     */
    @Test
    void aGitHubCodeWithoutGrantTypeIsNeverAnsweredFromTheCache() throws Exception {
        EndpointRule github = EndpointRule.builder("github").url(GITHUB_URL).limit("10/1h").build();
        Guard g = guard(github);
        TokenHttpRequest redeem = post(GITHUB_URL, null, FORM, "client_id=app&client_secret=s&code=victims-code", 0);
        TokenHttpResponse victim = g.exchange(github, redeem, idp.upstream());
        TokenHttpResponse replay = g.exchange(github, redeem, idp.upstream());

        assertThat(victim.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(replay.source()).as("a replayed code must reach the provider (which refuses it)")
                .isEqualTo(ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(2);
    }

    /**
     * The URL's userinfo is credential material: Apache HttpClient 4.5 turns https://user:pass@host/ into
     * Basic credentials for the host's challenge (ProtocolExec), and its adapter hands the guard the
     * URL with the userinfo. canonicalEndpoint drops it, so a wrong password is served the right one's token.
     */
    @Test
    void theUrlsUserinfoIsPartOfTheIdentity() throws Exception {
        EndpointRule twitter = twitter();
        Guard g = guard(twitter);
        TokenHttpRequest right = post("https://app:right-secret@api.twitter.com/oauth2/token", null, FORM,
                "grant_type=client_credentials", 0);
        TokenHttpRequest wrong = post("https://app:WRONG@api.twitter.com/oauth2/token", null, FORM,
                "grant_type=client_credentials", 0);
        g.exchange(twitter, right, idp.upstream());
        TokenHttpResponse served = g.exchange(twitter, wrong, idp.upstream());

        assertThat(served.source()).as("a wrong userinfo password").isEqualTo(ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(2);
    }

    /**
     * A multipart/form-data body is not a urlencoded form, but the parser reads it as one (the first
     * '=' is in a Content-Disposition line): '+' becomes a space and %41 becomes 'A', so two different
     * secrets (as the server reads multipart: literally) share one fingerprint.
     */
    @ParameterizedTest(name = "secret {0}")
    @ValueSource(strings = {"p+ss|p ss", "s3cr%41t|s3crAt"})
    void multipartBodiesAreComparedAsSent(String pair) throws Exception {
        String[] secrets = pair.split("\\|");
        EndpointRule twitter = twitter();
        Guard g = guard(twitter);
        String type = "multipart/form-data; boundary=XyZ";
        g.exchange(twitter, post(TWITTER_URL, null, type, multipart(secrets[0]), 0), idp.upstream());
        TokenHttpResponse other = g.exchange(twitter, post(TWITTER_URL, null, type, multipart(secrets[1]), 0),
                idp.upstream());

        assertThat(other.source()).as("a different multipart secret").isEqualTo(ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(2);
    }

    private static String multipart(String secret) {
        return "--XyZ\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\napp\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\n" + secret + "\r\n"
                + "--XyZ--\r\n";
    }

    /** Nested JSON values are re-serialised through Jackson: a float that is not a double comes out as one. */
    @Test
    void nestedJsonNumbersAreComparedExactly() throws Exception {
        EndpointRule twitter = twitter();
        Guard g = guard(twitter);
        String body = "{\"grant_type\":\"client_credentials\",\"client_id\":\"app\",\"client_secret\":\"s\","
                + "\"authorization_details\":[{\"type\":\"payment\",\"amount\":%s}]}";
        g.exchange(twitter, post(TWITTER_URL, null, JSON, String.format(body, "0.1"), 0), idp.upstream());
        TokenHttpResponse other = g.exchange(twitter, post(TWITTER_URL, null, JSON,
                String.format(body, "0.10000000000000000001"), 0), idp.upstream());

        assertThat(other.source()).as("another amount in authorization_details").isEqualTo(ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(2);
    }

    /**
     * tokenguard.identity.headers replaces the default list: configuring one extra header (a tenant or
     * gateway key) silently drops Authorization, Cookie and DPoP from the fingerprint.
     */
    @Test
    void configuringAnExtraIdentityHeaderNeverDropsAuthorization() throws Exception {
        EndpointRule twitter = twitter();
        Guard g = new Guard(AgentSettings.builder().mode(Mode.ENFORCE).rule(twitter)
                .identityHeaders(List.of("x-tenant")).build(), clock, listener);
        g.exchange(twitter, post(TWITTER_URL, basic("app", "right"), FORM, "grant_type=client_credentials", 0),
                idp.upstream());
        TokenHttpResponse wrong = g.exchange(twitter, post(TWITTER_URL, basic("app", "WRONG"), FORM,
                "grant_type=client_credentials", 0), idp.upstream());

        assertThat(wrong.source()).as("a wrong Basic secret").isEqualTo(ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(2);
    }

    /** Proxy-Authorization is a credential (RFC 9110 §11.7.2): the proxy refuses a wrong one with 407. */
    @Test
    void proxyCredentialsArePartOfTheIdentity() throws Exception {
        EndpointRule twitter = twitter();
        Guard g = guard(twitter);
        g.exchange(twitter, withHeader(twitterBearer("app"), "Proxy-Authorization", basic("proxy", "right")),
                idp.upstream());
        TokenHttpResponse wrong = g.exchange(twitter, withHeader(twitterBearer("app"), "Proxy-Authorization",
                basic("proxy", "WRONG")), idp.upstream());

        assertThat(wrong.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(2);
    }

    /**
     * A DPoP proof is one-time like a client_assertion with a jti (RFC 9449 §11.1: the server rejects a
     * replayed jti), yet only assertion/client_assertion are looked at for single use.
     */
    @Test
    void aReplayedDpopProofIsNeverAnsweredFromTheCache() throws Exception {
        EndpointRule twitter = twitter();
        Guard g = guard(twitter);
        String proof = jwt("{\"jti\":\"once\",\"htm\":\"POST\",\"htu\":\"" + TWITTER_URL + "\",\"iat\":1800000000}");
        TokenHttpRequest r = withHeader(twitterBearer("app"), "DPoP", proof);
        g.exchange(twitter, r, idp.upstream());
        TokenHttpResponse replay = g.exchange(twitter, r, idp.upstream());

        assertThat(replay.source()).isEqualTo(ResponseSource.UPSTREAM);
    }

    /** PASS expected: the port, the scheme and the Host header each keep identities apart in the cache. */
    @Test
    void portSchemeAndHostHeaderKeepCachedAnswersApart() throws Exception {
        EndpointRule any = EndpointRule.builder("any").url("*://*/oauth2/token").build();
        Guard g = guard(any);
        String body = "grant_type=client_credentials";
        List<TokenHttpRequest> distinct = List.of(
                post("https://idp.example/oauth2/token", CLIENT, FORM, body, 0),
                post("https://idp.example:8443/oauth2/token", CLIENT, FORM, body, 0),
                post("http://idp.example/oauth2/token", CLIENT, FORM, body, 0),
                withHeader(post("https://idp.example/oauth2/token", CLIENT, FORM, body, 0), "Host", "b.example"));
        for (TokenHttpRequest r : distinct) {
            assertThat(g.exchange(any, r, idp.upstream()).source()).as(r.toString()).isEqualTo(ResponseSource.UPSTREAM);
        }
        assertThat(idp.calls).hasValue(distinct.size());
    }

    /**
     * IdentityHasher.field encodes a lone surrogate as '?' (String.getBytes(UTF_8)); the throttle and
     * cooldown keys hash subjects with field(), so the JSON users "a\ud800" and "a?" share one bucket.
     */
    @Test
    void aLoneSurrogateInAUsernameDoesNotCollideWithAQuestionMark() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard g = guard(eloqua);
        assertThat(g.exchange(eloqua, password("a\\ud800", "pw"), idp.upstream()).status()).isEqualTo(200);
        assertThat(g.exchange(eloqua, password("a?", "pw"), idp.upstream()).status())
                .as("another user").isEqualTo(200);
    }

    // ============================================================ B. a per-user limit bypassed

    /**
     * .NET IdPs (IdentityServer / Duende read the form into a NameValueCollection, case-insensitive by
     * default; ASP.NET model binding too) read USERNAME as username. TokenGuard's readings are
     * case-sensitive, so the user is not seen and each request is a bucket of its own.
     */
    @Test
    void aUsernameParameterInAnotherCaseIsStillCounted() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard g = guard(eloqua);
        assertThat(g.exchange(eloqua, post(ELOQUA_URL, CLIENT, FORM, "grant_type=password&username=alice&password=1",
                0), idp.upstream()).status()).isEqualTo(200);
        TokenHttpResponse again = g.exchange(eloqua, post(ELOQUA_URL, CLIENT, FORM,
                "grant_type=password&USERNAME=alice&password=2", 0), idp.upstream());
        assertThat(again.status()).as("alice again within the minute, spelled USERNAME").isEqualTo(429);
        assertThat(idp.calls).hasValue(1);
    }

    /**
     * Past 16 readings only the first 16 users (and the request itself) are counted. Many parsers take
     * the LAST duplicate key: 16 fresh decoys followed by the real user are never counted for her.
     */
    @Test
    void theLastOfManyUsernameReadingsIsStillCounted() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard g = guard(eloqua);
        for (int round = 0; round < 3; round++) {
            StringBuilder json = new StringBuilder("{\"grant_type\":\"password\"");
            for (int i = 0; i < 16; i++) {
                json.append(",\"username\":\"decoy-").append(round).append('-').append(i).append('"');
            }
            json.append(",\"username\":\"alice\",\"password\":\"pw-").append(round).append("\"}");
            TokenHttpResponse r = g.exchange(eloqua, post(ELOQUA_URL, CLIENT, JSON, json.toString(), 0), idp.upstream());
            assertThat(r.status()).as("round %d: alice (last key) within the minute", round)
                    .isEqualTo(round == 0 ? 200 : 429);
        }
        assertThat(idp.calls).hasValue(1);
    }

    /**
     * The bucket table is bounded by cache.max-entries (10,000): a burst of other users (or of
     * decoy readings: 17 buckets per request, see above) evicts alice's bucket and with it her
     * limit. The limit should fail closed for a user it has seen within the period.
     */
    @Test
    void aFloodOfOtherUsersDoesNotResetAUsersLimit() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard g = guard(eloqua);
        assertThat(g.exchange(eloqua, password("alice", "pw-0"), idp.upstream()).status()).isEqualTo(200);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 700; i++) {
                StringBuilder json = new StringBuilder("{\"grant_type\":\"password\"");
                for (int d = 0; d < 16; d++) {
                    json.append(",\"username\":\"flood-").append(i).append('-').append(d).append('"');
                }
                json.append(",\"password\":\"x").append(round).append("\"}");
                g.exchange(eloqua, post(ELOQUA_URL, CLIENT, JSON, json.toString(), 0), idp.upstream());
            }
        }
        g.cleanUp();
        assertThat(g.exchange(eloqua, password("alice", "pw-1"), idp.upstream()).status())
                .as("alice again within the minute").isEqualTo(429);
    }

    /**
     * trim() runs before NFKC: a no-break space (or U+3000) survives trim and NFKC turns it into a
     * plain space, so "alice\u00a0" counts apart from "alice" while .NET's Trim() (and Java's strip())
     * reads them as one user.
     */
    @ParameterizedTest(name = "alice + U+{0}")
    @ValueSource(strings = {"00a0", "3000", "2009"})
    void aUnicodeSpaceAroundAUsernameIsTheSameUser(String codePoint) throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard g = guard(eloqua);
        assertThat(g.exchange(eloqua, password("alice", "pw-1"), idp.upstream()).status()).isEqualTo(200);
        String padded = "alice" + (char) Integer.parseInt(codePoint, 16);
        assertThat(g.exchange(eloqua, password(padded, "pw-2"), idp.upstream()).status()).isEqualTo(429);
        assertThat(idp.calls).hasValue(1);
    }

    /**
     * ASP.NET Identity (Duende/IdentityServer user stores) compares ToUpperInvariant() names: "alıce"
     * (dotless i) is "ALICE", and "οδοσ" / "ΟΔΟΣ" are one user. Java's toLowerCase keeps them apart.
     */
    @Test
    void usernamesThatUpperCaseAlikeAreTheSameUser() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard g = guard(eloqua);
        assertThat(g.exchange(eloqua, password("alice", "pw-1"), idp.upstream()).status()).isEqualTo(200);
        assertThat(g.exchange(eloqua, password("al\u0131ce", "pw-2"), idp.upstream()).status())
                .as("dotless i").isEqualTo(429);
    }

    @Test
    void usernamesThatDifferOnlyInTheFormOfSigmaAreTheSameUser() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard g = guard(eloqua);
        assertThat(g.exchange(eloqua, password("\u03bf\u03b4\u03bf\u03c3", "pw-1"), idp.upstream()).status())
                .isEqualTo(200);
        assertThat(g.exchange(eloqua, password("\u039f\u0394\u039f\u03a3", "pw-2"), idp.upstream()).status())
                .as("final sigma").isEqualTo(429);
    }

    /**
     * Only an exact "POST" is guarded. ASP.NET Core (HttpMethods.IsPost) and IdentityServer compare the
     * method case-insensitively, so "post" is a token request there that passes the limit unguarded.
     * The stricter reading would count it (and still never cache it).
     */
    @Test
    void aLowerCasePostIsStillCountedByTheLimit() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard g = guard(eloqua);
        assertThat(g.exchange(eloqua, withMethod(password("alice", "pw-1"), "post"), idp.upstream()).status())
                .isEqualTo(200);
        assertThat(g.exchange(eloqua, withMethod(password("alice", "pw-2"), "post"), idp.upstream()).status())
                .isEqualTo(429);
    }

    /**
     * jwt-bearer counts the assertion's first iss/sub; many JSON parsers (json-smart in Nimbus, JS)
     * take the last duplicate claim. Duplicates in the body count both readings; claims do not.
     */
    @Test
    void aDuplicateSubClaimCountsBothReadings() throws Exception {
        EndpointRule rule = limited("https://idp.example/token");
        Guard g = guard(rule);
        String bearer = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&client_id=app&assertion=";
        String twoSubs = jwt("{\"iss\":\"app\",\"sub\":\"decoy\",\"sub\":\"alice\",\"exp\":1900000000}");
        String alice = jwt("{\"iss\":\"app\",\"sub\":\"alice\",\"exp\":1900000001}");
        assertThat(g.exchange(rule, post("https://idp.example/token", null, FORM, bearer + twoSubs, 0),
                idp.upstream()).status()).isEqualTo(200);
        assertThat(g.exchange(rule, post("https://idp.example/token", null, FORM, bearer + alice, 0),
                idp.upstream()).status()).as("alice again within the minute").isEqualTo(429);
    }

    // ============================================================ C. a legitimate identity refused for another's doing

    /**
     * Two OAuth clients whose credentials are added below the hook (Apache CredentialsProvider,
     * java.net.http authenticator, a TLS key manager) and whose body names no client: the fingerprint
     * tells them apart (credential sources), but the cooldown key is (endpoint, null client, no auth,
     * null subject) for both: client A's 429 refuses client B.
     */
    @Test
    void clientsBehindCredentialSourcesDoNotShareACooldown() throws Exception {
        EndpointRule rule = unlimited(ELOQUA_URL);
        Guard g = guard(rule);
        TokenHttpRequest base = post(ELOQUA_URL, null, FORM, "grant_type=client_credentials", 0);
        Object clientA = new Object();
        Object clientB = new Object();
        answer429();
        assertThat(g.exchange(rule, base.withCredentialSources(clientA), idp.upstream()).status()).isEqualTo(429);
        answerTokens();
        TokenHttpResponse b = g.exchange(rule, base.withCredentialSources(clientB), idp.upstream());

        assertThat(b.source()).as("client B, never told to back off").isEqualTo(ResponseSource.UPSTREAM);
        assertThat(b.status()).isEqualTo(200);
    }

    /** The same collapse in the throttle: limit-per=client with an invisible client is one bucket for all clients. */
    @Test
    void clientsBehindCredentialSourcesDoNotShareAPerClientLimit() throws Exception {
        EndpointRule rule = EndpointRule.builder("limited").url(ELOQUA_URL).limit("1/60s").limitPer(LimitPer.CLIENT)
                .build();
        Guard g = guard(rule);
        TokenHttpRequest base = post(ELOQUA_URL, null, FORM, "grant_type=client_credentials", 0);
        assertThat(g.exchange(rule, base.withCredentialSources(new Object()), idp.upstream()).status()).isEqualTo(200);
        TokenHttpResponse b = g.exchange(rule, base.withCredentialSources(new Object()), idp.upstream());
        assertThat(b.status()).as("another client's first request").isEqualTo(200);
    }

    /**
     * private_key_jwt without client_id (RFC 7523 §3.2: the client is the assertion's iss/sub): the
     * client is null and the client auth empty, so one client's 429 holds every other such client.
     */
    @Test
    void privateKeyJwtClientsWithoutAClientIdDoNotShareACooldown() throws Exception {
        EndpointRule rule = unlimited("https://idp.example/token");
        Guard g = guard(rule);
        String cc = "grant_type=client_credentials&client_assertion_type="
                + "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=";
        answer429();
        assertThat(g.exchange(rule, post("https://idp.example/token", null, FORM,
                cc + jwt("{\"iss\":\"client-a\",\"sub\":\"client-a\",\"exp\":1900000000}"), 0), idp.upstream())
                .status()).isEqualTo(429);
        answerTokens();
        TokenHttpResponse b = g.exchange(rule, post("https://idp.example/token", null, FORM,
                cc + jwt("{\"iss\":\"client-b\",\"sub\":\"client-b\",\"exp\":1900000000}"), 0), idp.upstream());
        assertThat(b.source()).as("client B").isEqualTo(ResponseSource.UPSTREAM);
    }

    /**
     * Virtual-host tenants (the reason Host joined the identity headers): the cooldown and throttle
     * keys use the URL's host only, so tenant A's admin 429 (or permit) holds tenant B's admin.
     */
    @Test
    void virtualHostTenantsDoNotShareACooldown() throws Exception {
        EndpointRule rule = unlimited("https://10.0.0.5/oauth2/token");
        Guard g = guard(rule);
        TokenHttpRequest base = post("https://10.0.0.5/oauth2/token", null, FORM,
                "grant_type=password&client_id=app&username=admin&password=pw", 0);
        answer429();
        assertThat(g.exchange(rule, withHeader(base, "Host", "tenant-a.example"), idp.upstream()).status())
                .isEqualTo(429);
        answerTokens();
        TokenHttpResponse b = g.exchange(rule, withHeader(base, "Host", "tenant-b.example"), idp.upstream());
        assertThat(b.source()).as("tenant B's admin").isEqualTo(ResponseSource.UPSTREAM);
    }

    @Test
    void virtualHostTenantsDoNotShareAPerUserLimit() throws Exception {
        EndpointRule rule = limited("https://10.0.0.5/oauth2/token");
        Guard g = guard(rule);
        TokenHttpRequest base = post("https://10.0.0.5/oauth2/token", null, FORM,
                "grant_type=password&client_id=app&username=admin&password=pw", 0);
        assertThat(g.exchange(rule, withHeader(base, "Host", "tenant-a.example"), idp.upstream()).status())
                .isEqualTo(200);
        assertThat(g.exchange(rule, withHeader(base, "Host", "tenant-b.example"), idp.upstream()).status())
                .as("tenant B's admin").isEqualTo(200);
    }

    /**
     * Client auth in a header from the default identity list (x-client-id / x-client-secret, x-api-key):
     * the client is null and the cooldown's client auth only looks at Authorization and client_secret,
     * so a lockout a WRONG header secret earned (Twitter's 403/99) refuses the right secret.
     */
    @Test
    void aLockoutAWrongHeaderSecretEarnedDoesNotHoldTheRightSecret() throws Exception {
        EndpointRule twitter = twitter();
        Guard g = guard(twitter);
        TokenHttpRequest base = post(TWITTER_URL, null, FORM, "grant_type=client_credentials", 0);
        idp.status = 403;
        idp.body = "{\"errors\":[{\"code\":99,\"label\":\"authenticity_token_error\"}]}";
        TokenHttpResponse wrong = g.exchange(twitter, withHeader(withHeader(base, "X-Client-Id", "app"),
                "X-Client-Secret", "WRONG"), idp.upstream());
        assertThat(wrong.status()).isEqualTo(403);
        answerTokens();
        TokenHttpResponse right = g.exchange(twitter, withHeader(withHeader(base, "X-Client-Id", "app"),
                "X-Client-Secret", "right"), idp.upstream());
        assertThat(right.source()).as("the right secret").isEqualTo(ResponseSource.UPSTREAM);
        assertThat(right.status()).isEqualTo(200);
    }

    /**
     * The jwt-bearer subject is ASSERTION + len:iss + len:sub, its fallback ASSERTION + the raw
     * assertion: the non-JWT assertion "5:alice-" is the subject of a JWT with iss=alice and no sub.
     */
    @Test
    void aRawAssertionDoesNotCollideWithAnIssuersSubject() throws Exception {
        EndpointRule rule = limited("https://idp.example/token");
        Guard g = guard(rule);
        String bearer = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=";
        assertThat(g.exchange(rule, post("https://idp.example/token", null, FORM, bearer + "5:alice-", 0),
                idp.upstream()).status()).isEqualTo(200);
        TokenHttpResponse alice = g.exchange(rule, post("https://idp.example/token", null, FORM,
                bearer + jwt("{\"iss\":\"alice\",\"exp\":1900000000}"), 0), idp.upstream());
        assertThat(alice.status()).as("service account alice, never sent before").isEqualTo(200);
    }

    /** PASS expected: a username (or a refresh token) can never spell a code's (NUL-prefixed) subject. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"json-user:\\u0000code:c1", "json-user:\\u0000\\u0000code:c1",
        "json-user:\\u0001\\u0000code:c1", "form-user:%00code:c1", "refresh:c1"})
    void aUsernameCannotSpellACodesSubject(String variant) throws Exception {
        EndpointRule rule = limited(ELOQUA_URL);
        Guard g = guard(rule);
        assertThat(g.exchange(rule, post(ELOQUA_URL, CLIENT, FORM, "grant_type=authorization_code&code=c1", 0),
                idp.upstream()).status()).isEqualTo(200);
        String value = variant.substring(variant.indexOf(':') + 1);
        TokenHttpRequest other;
        if (variant.startsWith("json-user:")) {
            other = password(value, "pw");
        } else if (variant.startsWith("form-user:")) {
            other = post(ELOQUA_URL, CLIENT, FORM, "grant_type=password&username=" + value + "&password=pw", 0);
        } else {
            other = post(ELOQUA_URL, CLIENT, FORM, "grant_type=refresh_token&refresh_token=" + value, 0);
        }
        assertThat(g.exchange(rule, other, idp.upstream()).status()).isEqualTo(200);
    }

    // ============================================================ D. secrets in logs, events, metrics

    /** SafeText: the cut at the next "scheme://" lets a password holding "x://" print its first part. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "https://u:hunter2://x@idp.example/token",
        "bad url=https://u:p4ss:hunter2://x@idp.example/token",
        // no scheme at all (a forgotten "http://"): the whole value is echoed
        "collector.example:4318/v1/metrics?api_key=hunter2",
        "u:hunter2@collector.example:4318/v1/metrics",
        "//u:hunter2@collector.example/v1/metrics",
        // a one-slash typo
        "http:/u:hunter2@collector.example/v1/metrics"})
    void safeTextNeverPrintsAUrlsPassword(String text) {
        assertThat(SafeText.withoutUrlSecrets(text)).doesNotContain("hunter2");
    }

    /** PASS expected: no violation event carries a user name, a password or a client secret. */
    @Test
    void violationEventsCarryNoNameOrSecret() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard g = guard(eloqua);
        g.exchange(eloqua, password("alice.secretname", "Sup3rS3cret"), idp.upstream());
        g.exchange(eloqua, password("alice.secretname", "Sup3rS3cret-2"), idp.upstream());
        answer429();
        g.exchange(eloqua, password("bob.secretname", "Sup3rS3cret"), idp.upstream());
        g.exchange(eloqua, password("bob.secretname", "Sup3rS3cret-3"), idp.upstream());
        assertThat(listener.violations).isNotEmpty();
        List<String> printed = new ArrayList<>();
        for (Violation v : listener.violations) {
            for (Method m : Violation.class.getMethods()) {
                if (m.getParameterCount() == 0 && m.getReturnType() == String.class) {
                    printed.add(String.valueOf(m.invoke(v)));
                }
            }
        }
        assertThat(String.join("|", printed)).doesNotContain("secretname").doesNotContain("Sup3rS3cret")
                .doesNotContain("sample-app-secret");
    }

    // ============================================================ E. remaining-lifetime rewriting

    /** PASS expected: only the top-level expires_in is rewritten; a nested one and every other byte stay. */
    @Test
    void onlyTheTopLevelExpiresInIsRewritten() throws Exception {
        EndpointRule twitter = twitter();
        Guard g = guard(twitter);
        idp.body = "{\"meta\":{\"expires_in\":3600},\"note\":\"\u00e9t\u00e9 \\\"expires_in\\\":3600\","
                + "\"access_token\":\"tok-1\",\"expires_in\":3600}";
        g.exchange(twitter, twitterBearer("app"), idp.upstream());
        clock.advance(Duration.ofMinutes(10));
        TokenHttpResponse cached = g.exchange(twitter, twitterBearer("app"), idp.upstream());
        assertThat(cached.source()).isEqualTo(ResponseSource.CACHE);
        assertThat(FakeIdp.text(cached)).isEqualTo("{\"meta\":{\"expires_in\":3600},\"note\":\"\u00e9t\u00e9 "
                + "\\\"expires_in\\\":3600\",\"access_token\":\"tok-1\",\"expires_in\":3000}");
    }

    /** PASS expected: a form answer with multi-byte text before expires_in is rewritten at the right bytes. */
    @Test
    void aFormAnswerIsRewrittenAtTheRightBytes() throws Exception {
        EndpointRule twitter = twitter();
        Guard g = guard(twitter);
        idp.headers = HttpHeaders.builder().add("Content-Type", FORM).add("Content-Length", "0").build();
        idp.body = "scope=\u00e9t\u00e9\u4e2d&access_token=tok-1&expires_in=3600&token_type=bearer";
        g.exchange(twitter, twitterBearer("app"), idp.upstream());
        clock.advance(Duration.ofSeconds(90));
        TokenHttpResponse cached = g.exchange(twitter, twitterBearer("app"), idp.upstream());
        String expected = "scope=\u00e9t\u00e9\u4e2d&access_token=tok-1&expires_in=3510&token_type=bearer";
        assertThat(FakeIdp.text(cached)).isEqualTo(expected);
        assertThat(cached.headers().first("Content-Length"))
                .isEqualTo(Integer.toString(expected.getBytes(StandardCharsets.UTF_8).length));
    }

    /** PASS expected: an escaped or padded expires_in is served as the provider wrote it (or exactly rewritten). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\"\\u0033600\"", "\" 3600\"", "\"3600 \"", "3600.0", "3.6e3"})
    void oddExpiresInSpellingsAreNeverCorrupted(String value) throws Exception {
        EndpointRule twitter = twitter();
        Guard g = guard(twitter);
        idp.body = "\ufeff{\"access_token\":\"tok-1\",\"expires_in\":" + value + "}";
        g.exchange(twitter, twitterBearer("app"), idp.upstream());
        clock.advance(Duration.ofSeconds(100));
        TokenHttpResponse cached = g.exchange(twitter, twitterBearer("app"), idp.upstream());
        String original = "\ufeff{\"access_token\":\"tok-1\",\"expires_in\":" + value + "}";
        String rewritten = original.replace(value, value.startsWith("\"") ? "\"3500\"" : "3500");
        assertThat(cached.source()).isEqualTo(ResponseSource.CACHE);
        assertThat(FakeIdp.text(cached)).isIn(original, rewritten);
    }
}
