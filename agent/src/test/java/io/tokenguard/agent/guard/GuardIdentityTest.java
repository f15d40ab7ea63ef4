package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whom limits count and cooldowns hold, and what is never shared (issue 10 §3–6): each test is a
 * pair of identities the provider tells apart (so must TokenGuard), or one it would refuse.
 */
@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class GuardIdentityTest {
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String CLIENT = basic("sample-app-client", "sample-app-secret");

    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final RecordingListener listener = new RecordingListener();

    GuardIdentityTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
    }

    private static TokenHttpRequest form(String url, String body) {
        return post(url, CLIENT, FORM, body, 0);
    }

    /** A password grant whose username is exactly this (eloquaPassword prefixes a company name). */
    private static TokenHttpRequest password(String user, String password) {
        return post(ELOQUA_URL, CLIENT, "application/json", "{\"grant_type\":\"password\",\"username\":\"" + user
                + "\",\"password\":\"" + password + "\"}", 0);
    }

    private Guard guard(FakeClock clock, RecordingListener listener, EndpointRule... rules) {
        AgentSettings.Builder b = AgentSettings.builder().mode(Mode.ENFORCE);
        for (EndpointRule r : rules) {
            b.rule(r);
        }
        return backEnd.guard(b.build(), clock, listener);
    }

    private static String jwt(String payloadJson) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    // ---------------------------------------------------------------- §3 per-user limits that count no user

    @Test
    void codeFlowSignInsOfDifferentUsersAreNeverRefusedByAPerUserLimit() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard g = guard(clock, listener, eloqua);
        for (int user = 0; user < 5; user++) {
            TokenHttpResponse r = g.exchange(eloqua, form(ELOQUA_URL, "grant_type=authorization_code&code=code-" + user
                    + "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb"), idp.upstream());
            assertThat(r.status()).as("user %d", user).isEqualTo(200);
        }
        assertThat(idp.calls).hasValue(5);
        assertThat(listener.violations).isEmpty();
    }

    @Test
    void theEleventhGitHubUserOfTheHourIsNotRefused() throws Exception {
        EndpointRule github = EndpointRule.builder("github").url("https://github.com/login/oauth/access_token")
                .limit("10/1h").build();
        Guard g = guard(clock, listener, github);
        for (int user = 0; user < 11; user++) {
            TokenHttpResponse r = g.exchange(github, form("https://github.com/login/oauth/access_token",
                    "client_id=app&client_secret=s&code=gh-code-" + user), idp.upstream());
            assertThat(r.status()).as("user %d", user).isEqualTo(200);
        }
        assertThat(idp.calls).hasValue(11);
        assertThat(listener.violations).isEmpty();
    }

    @Test
    void refreshTokensAreCountedPerRefreshTokenNotPerClient() throws Exception {
        EndpointRule limited = EndpointRule.builder("limited").url(ELOQUA_URL).limit("1/60s").build();
        Guard g = guard(clock, listener, limited);
        TokenHttpResponse alice = g.exchange(limited, form(ELOQUA_URL, "grant_type=refresh_token&refresh_token=rt-alice"),
                idp.upstream());
        TokenHttpResponse bob = g.exchange(limited, form(ELOQUA_URL, "grant_type=refresh_token&refresh_token=rt-bob"),
                idp.upstream());
        clock.advance(Duration.ofSeconds(31)); // past cache.refresh-grant-ttl: alice's refresh goes out again
        TokenHttpResponse aliceAgain = g.exchange(limited,
                form(ELOQUA_URL, "grant_type=refresh_token&refresh_token=rt-alice"), idp.upstream());

        assertThat(alice.status()).isEqualTo(200);
        assertThat(bob.status()).isEqualTo(200);
        assertThat(aliceAgain.status()).as("the same refresh token within the minute").isEqualTo(429);
        assertThat(idp.calls).hasValue(2);
    }

    @Test
    void aRequestWhoseUserCannotBeSeenSharesABucketOnlyWithItself() throws Exception {
        EndpointRule limited = EndpointRule.builder("limited").url(ELOQUA_URL).limit("1/60s").build();
        Guard g = guard(clock, listener, limited);
        TokenHttpResponse one = g.exchange(limited, form(ELOQUA_URL, "grant_type=urn:example:custom&ticket=1"),
                idp.upstream());
        TokenHttpResponse two = g.exchange(limited, form(ELOQUA_URL, "grant_type=urn:example:custom&ticket=2"),
                idp.upstream());
        TokenHttpResponse none = g.exchange(limited, form(ELOQUA_URL, "ticket=3"), idp.upstream());

        assertThat(one.status()).isEqualTo(200);
        assertThat(two.status()).isEqualTo(200);
        assertThat(none.status()).isEqualTo(200);
        assertThat(idp.calls).hasValue(3);
    }

    @Test
    void passwordUsersAreStillLimitedOnePerMinuteEach() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard g = guard(clock, listener, eloqua);
        assertThat(g.exchange(eloqua, password("alice", "pw-1"), idp.upstream()).status()).isEqualTo(200);
        assertThat(g.exchange(eloqua, password("bob", "pw-1"), idp.upstream()).status()).isEqualTo(200);
        assertThat(g.exchange(eloqua, password("alice", "pw-2"), idp.upstream()).status()).isEqualTo(429);
        assertThat(idp.calls).hasValue(2);
    }

    // ---------------------------------------------------------------- §8 ambiguous readings count conservatively

    @Test
    void aUsernameSpelledInAnotherCaseOrUnicodeFormCountsAsTheSameUser() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard g = guard(clock, listener, eloqua);
        assertThat(g.exchange(eloqua, password("alice", "pw-1"), idp.upstream()).status()).isEqualTo(200);
        assertThat(g.exchange(eloqua, password("ALICE", "pw-2"), idp.upstream()).status()).isEqualTo(429);
        assertThat(g.exchange(eloqua, password("\uff41lice", "pw-3"), idp.upstream()).status())
                .as("fullwidth a, NFKC").isEqualTo(429);
        assertThat(g.exchange(eloqua, password(" alice ", "pw-4"), idp.upstream()).status()).isEqualTo(429);
        assertThat(idp.calls).hasValue(1);
    }

    @Test
    void anExemptGrantInTheQueryDoesNotExemptAPasswordGrantInTheBody() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard g = guard(clock, listener, eloqua);
        String json = "{\"grant_type\":\"password\",\"username\":\"alice\",\"password\":\"%s\"}";
        TokenHttpRequest first = post(ELOQUA_URL + "?grant_type=refresh_token", CLIENT, "application/json",
                String.format(json, "pw-1"), 0);
        TokenHttpRequest second = post(ELOQUA_URL + "?grant_type=refresh_token", CLIENT, "application/json",
                String.format(json, "pw-2"), 0);
        assertThat(g.exchange(eloqua, first, idp.upstream()).status()).isEqualTo(200);
        assertThat(g.exchange(eloqua, second, idp.upstream()).status()).isEqualTo(429);
        assertThat(idp.calls).hasValue(1);
    }

    @Test
    void aUsernameReadTwoWaysCountsForBothUsers() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard g = guard(clock, listener, eloqua);
        // TokenGuard reads the first duplicate key, many JSON parsers the last; the query is read by some servers.
        TokenHttpRequest duplicate = post(ELOQUA_URL, CLIENT, "application/json",
                "{\"grant_type\":\"password\",\"username\":\"alice\",\"username\":\"bob\",\"password\":\"pw\"}", 0);
        TokenHttpRequest inQuery = post(ELOQUA_URL + "?username=carol", CLIENT, "application/json",
                "{\"grant_type\":\"password\",\"username\":\"dave\",\"password\":\"pw\"}", 0);
        assertThat(g.exchange(eloqua, duplicate, idp.upstream()).status()).isEqualTo(200);
        assertThat(g.exchange(eloqua, inQuery, idp.upstream()).status()).isEqualTo(200);
        for (String user : List.of("alice", "bob", "carol", "dave")) {
            assertThat(g.exchange(eloqua, password(user, "other"), idp.upstream()).status()).as(user)
                    .isEqualTo(429);
        }
        assertThat(g.exchange(eloqua, password("erin", "other"), idp.upstream()).status()).isEqualTo(200);
        assertThat(idp.calls).hasValue(3);
    }

    @Test
    void aDelayedRequestReadTwoWaysWaitsForBothPermits() throws Exception {
        EndpointRule eloqua = EndpointRule.builder("eloqua").url(ELOQUA_URL).limit("1/60s").onLimit(OnLimit.DELAY)
                .maxDelay(Duration.ofSeconds(90)).build();
        Guard g = guard(clock, listener, eloqua);
        assertThat(g.exchange(eloqua, password("bob", "pw-1"), idp.upstream()).status()).isEqualTo(200);
        long before = clock.nanoTime();
        TokenHttpRequest both = post(ELOQUA_URL, CLIENT, "application/json",
                "{\"grant_type\":\"password\",\"username\":\"alice\",\"username\":\"bob\",\"password\":\"pw\"}", 0);
        assertThat(g.exchange(eloqua, both, idp.upstream()).status()).isEqualTo(200);
        // alice's bucket was full, bob's empty: the request waited for bob's next permit.
        assertThat(clock.nanoTime() - before).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(59));
        // ...and took bob's new permit: his next sign-in waits its minute again.
        before = clock.nanoTime();
        assertThat(g.exchange(eloqua, password("bob", "pw-2"), idp.upstream()).status()).isEqualTo(200);
        assertThat(clock.nanoTime() - before).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(59));
        assertThat(idp.calls).hasValue(3);
    }

    // ---------------------------------------------------------------- §4 cooldowns shared too widely

    private void answer429(int retryAfterSeconds) {
        idp.status = 429;
        idp.body = "{\"error\":\"too_many_requests\"}";
        idp.headers = HttpHeaders.builder().add("Content-Type", "application/json")
                .add("Retry-After", Integer.toString(retryAfterSeconds)).build();
    }

    private void answerTokens() {
        idp.status = 200;
        idp.body = "{\"access_token\":\"tok-1\",\"token_type\":\"bearer\",\"expires_in\":3600}";
        idp.headers = HttpHeaders.builder().add("Content-Type", "application/json").build();
    }

    @Test
    void aCooldownForOneRealmDoesNotHoldAnother() throws Exception {
        EndpointRule keycloak = EndpointRule.builder("keycloak").url("*://*/realms/*/protocol/openid-connect/token").build();
        Guard g = guard(clock, listener, keycloak);
        String realmA = "https://kc.example/realms/a/protocol/openid-connect/token";
        String realmB = "https://kc.example/realms/b/protocol/openid-connect/token";
        answer429(60);
        assertThat(g.exchange(keycloak, form(realmA, "grant_type=client_credentials"), idp.upstream()).status())
                .isEqualTo(429);
        answerTokens();
        TokenHttpResponse b = g.exchange(keycloak, form(realmB, "grant_type=client_credentials"), idp.upstream());
        TokenHttpResponse aAgain = g.exchange(keycloak, form(realmA, "grant_type=client_credentials"), idp.upstream());

        assertThat(b.status()).isEqualTo(200);
        assertThat(aAgain.status()).isEqualTo(429);
        assertThat(aAgain.source()).isEqualTo(ResponseSource.LOCAL_COOLDOWN);
        assertThat(idp.calls).hasValue(2);
    }

    @Test
    void oneUsersRefusedRefreshHoldsOnlyThatRefreshToken() throws Exception {
        EndpointRule rule = EndpointRule.builder("idp").url(ELOQUA_URL).build();
        Guard g = guard(clock, listener, rule);
        answer429(60);
        assertThat(g.exchange(rule, form(ELOQUA_URL, "grant_type=refresh_token&refresh_token=rt-alice"),
                idp.upstream()).status()).isEqualTo(429);
        answerTokens();
        TokenHttpResponse bobRefresh = g.exchange(rule, form(ELOQUA_URL, "grant_type=refresh_token&refresh_token=rt-bob"),
                idp.upstream());
        TokenHttpResponse carolCode = g.exchange(rule, form(ELOQUA_URL, "grant_type=authorization_code&code=c1"),
                idp.upstream());
        TokenHttpResponse aliceAgain = g.exchange(rule,
                form(ELOQUA_URL, "grant_type=refresh_token&refresh_token=rt-alice"), idp.upstream());

        assertThat(bobRefresh.status()).isEqualTo(200);
        assertThat(carolCode.status()).isEqualTo(200);
        assertThat(aliceAgain.source()).isEqualTo(ResponseSource.LOCAL_COOLDOWN);
        assertThat(idp.calls).hasValue(3);
    }

    @Test
    void oneServiceAccountsRefusalDoesNotHoldAnother() throws Exception {
        EndpointRule google = EndpointRule.builder("google").url("https://oauth2.googleapis.com/token").build();
        Guard g = guard(clock, listener, google);
        String bearer = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=";
        String sa1 = jwt("{\"iss\":\"sa-1@p.iam.gserviceaccount.com\",\"scope\":\"s\",\"iat\":1,\"exp\":2}");
        String sa1Later = jwt("{\"iss\":\"sa-1@p.iam.gserviceaccount.com\",\"scope\":\"s\",\"iat\":5,\"exp\":6}");
        String sa2 = jwt("{\"iss\":\"sa-2@p.iam.gserviceaccount.com\",\"scope\":\"s\",\"iat\":1,\"exp\":2}");
        answer429(60);
        assertThat(g.exchange(google, post("https://oauth2.googleapis.com/token", null, FORM, bearer + sa1, 0),
                idp.upstream()).status()).isEqualTo(429);
        answerTokens();
        TokenHttpResponse other = g.exchange(google, post("https://oauth2.googleapis.com/token", null, FORM,
                bearer + sa2, 0), idp.upstream());
        TokenHttpResponse sameAccount = g.exchange(google, post("https://oauth2.googleapis.com/token", null, FORM,
                bearer + sa1Later, 0), idp.upstream());

        assertThat(other.status()).isEqualTo(200);
        assertThat(sameAccount.source()).as("a new assertion of the refused account").isEqualTo(ResponseSource.LOCAL_COOLDOWN);
        assertThat(idp.calls).hasValue(2);
    }

    @Test
    void aLockoutAWrongSecretEarnedDoesNotHoldTheRightSecret() throws Exception {
        EndpointRule twitter = twitter();
        Guard g = guard(clock, listener, twitter);
        idp.status = 403;
        idp.body = "{\"errors\":[{\"code\":99,\"label\":\"authenticity_token_error\"}]}";
        TokenHttpResponse wrong = g.exchange(twitter, post(TWITTER_URL, basic("app", "WRONG"), FORM,
                "grant_type=client_credentials", 0), idp.upstream());
        answerTokens();
        TokenHttpResponse right = g.exchange(twitter, twitterBearer("app"), idp.upstream());
        TokenHttpResponse wrongAgain = g.exchange(twitter, post(TWITTER_URL, basic("app", "WRONG"), FORM,
                "grant_type=client_credentials", 0), idp.upstream());

        assertThat(wrong.status()).isEqualTo(403);
        assertThat(right.status()).isEqualTo(200);
        assertThat(wrongAgain.source()).isEqualTo(ResponseSource.LOCAL_COOLDOWN);
        assertThat(idp.calls).hasValue(2);
    }

    @Test
    void noProviderAnswerHoldsAnIdentityLongerThanCooldownMax() throws Exception {
        EndpointRule rule = EndpointRule.builder("idp").url(ELOQUA_URL).build();
        Guard g = backEnd.guard(AgentSettings.builder().mode(Mode.ENFORCE).rule(rule).cooldownMax(Duration.ofMinutes(15))
                .build(), clock, listener);
        answer429(86_400);
        TokenHttpRequest request = form(ELOQUA_URL, "grant_type=client_credentials");
        assertThat(g.exchange(rule, request, idp.upstream()).status()).isEqualTo(429);
        clock.advance(Duration.ofMinutes(14));
        TokenHttpResponse held = g.exchange(rule, request, idp.upstream());
        assertThat(held.source()).isEqualTo(ResponseSource.LOCAL_COOLDOWN);
        assertThat(held.headers().first("Retry-After")).isEqualTo("60");
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        answerTokens();
        assertThat(g.exchange(rule, request, idp.upstream()).status()).isEqualTo(200);
        assertThat(idp.calls).hasValue(2);
    }

    @Test
    void aCooldownHoldsEverySpellingOfTheEndpoint() throws Exception {
        EndpointRule rule = EndpointRule.builder("idp").url(ELOQUA_URL).build();
        Guard g = guard(clock, listener, rule);
        answer429(60);
        assertThat(g.exchange(rule, form(ELOQUA_URL, "grant_type=client_credentials"), idp.upstream()).status())
                .isEqualTo(429);
        answerTokens();
        TokenHttpResponse respelled = g.exchange(rule, form("https://LOGIN.eloqua.com.:443/auth/./oauth2//%74oken",
                "grant_type=client_credentials"), idp.upstream());
        assertThat(respelled.source()).isEqualTo(ResponseSource.LOCAL_COOLDOWN);
        assertThat(idp.calls).hasValue(1);
    }

    // ---------------------------------------------------------------- §5 single-use grants never from the cache

    @Test
    void aReplayedAuthorizationCodeGoesToTheProviderEveryTime() throws Exception {
        EndpointRule rule = EndpointRule.builder("idp").url(ELOQUA_URL).build();
        Guard g = guard(clock, listener, rule);
        String code = "grant_type=authorization_code&code=one-time&redirect_uri=https%3A%2F%2Fapp%2Fcb";
        String device = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=dc";
        String assertion = "grant_type=client_credentials&client_assertion_type="
                + "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion="
                + jwt("{\"iss\":\"app\",\"sub\":\"app\",\"jti\":\"once\",\"exp\":9999999999}");
        for (String body : List.of(code, device, assertion)) {
            TokenHttpResponse first = g.exchange(rule, form(ELOQUA_URL, body), idp.upstream());
            TokenHttpResponse second = g.exchange(rule, form(ELOQUA_URL, body), idp.upstream());
            assertThat(first.source()).isEqualTo(ResponseSource.UPSTREAM);
            assertThat(second.source()).as(body).isEqualTo(ResponseSource.UPSTREAM);
        }
        assertThat(idp.calls).hasValue(6);
    }

    /** Two identical redemptions at once share the one answer: the second alone would be refused (and revoke). */
    @Test
    void concurrentRedemptionsOfOneCodeShareTheOneAnswer() throws Exception {
        EndpointRule rule = EndpointRule.builder("idp").url(ELOQUA_URL).build();
        Guard g = guard(clock, listener, rule);
        CompletableFuture<TokenHttpResponse> inFlight = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        AsyncUpstream upstream = () -> {
            calls.incrementAndGet();
            return inFlight;
        };
        TokenHttpRequest code = form(ELOQUA_URL, "grant_type=authorization_code&code=one-time");
        List<CompletableFuture<TokenHttpResponse>> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.add(g.exchangeAsync(rule, code, upstream));
        }
        // Waiting means joined: with a store that answers later, that is once the look-ups came back.
        DeferredStores.awaitIdle();
        inFlight.complete(new TokenHttpResponse(200, "OK", HttpHeaders.EMPTY,
                "{\"access_token\":\"A\",\"expires_in\":3600}".getBytes(StandardCharsets.UTF_8), ResponseSource.UPSTREAM));
        for (CompletableFuture<TokenHttpResponse> f : all) {
            assertThat(f.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        assertThat(calls).hasValue(1);
        assertThat(all.get(2).get().source()).isEqualTo(ResponseSource.COALESCED);
        assertThat(g.exchange(rule, code, idp.upstream()).source()).as("after it settled").isEqualTo(ResponseSource.UPSTREAM);
    }

    // ---------------------------------------------------------------- §6 identity-bearing headers

    @Test
    void clientAttestationAndHostAreIdentityByDefault() throws Exception {
        EndpointRule twitter = twitter();
        Guard g = guard(clock, listener, twitter);
        List<TokenHttpRequest> distinct = List.of(
                twitterBearer("app"),
                withHeader(twitterBearer("app"), "OAuth-Client-Attestation", "eyJ.attested.sig"),
                withHeader(twitterBearer("app"), "OAuth-Client-Attestation", "eyJ.forged.sig"),
                withHeader(withHeader(twitterBearer("app"), "OAuth-Client-Attestation", "eyJ.attested.sig"),
                        "OAuth-Client-Attestation-PoP", "eyJ.pop.sig"),
                withHeader(twitterBearer("app"), "Host", "tenant-a.example"),
                withHeader(twitterBearer("app"), "Host", "tenant-b.example"));
        for (TokenHttpRequest r : distinct) {
            assertThat(g.exchange(twitter, r, idp.upstream()).source()).as(r.headers().toString())
                    .isEqualTo(ResponseSource.UPSTREAM);
        }
        assertThat(idp.calls).hasValue(distinct.size());
    }

    @Test
    void aFollowerThatNeverAskedForGzipIsNotServedTheGzipAnswer() throws Exception {
        EndpointRule twitter = twitter();
        Guard g = guard(clock, listener, twitter);
        g.exchange(twitter, withHeader(twitterBearer("app"), "Accept-Encoding", "gzip"), idp.upstream());
        TokenHttpResponse plain = g.exchange(twitter, twitterBearer("app"), idp.upstream());
        assertThat(plain.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(2);
    }

    private static TokenHttpRequest withHeader(TokenHttpRequest r, String name, String value) {
        HttpHeaders.Builder b = HttpHeaders.builder();
        for (int i = 0; i < r.headers().size(); i++) {
            b.add(r.headers().name(i), r.headers().value(i));
        }
        return new TokenHttpRequest(r.client(), r.method(), r.url(), b.add(name, value).build(), r.body(), r.timeoutMillis());
    }
}
