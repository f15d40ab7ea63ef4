package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class GuardCacheTest {
    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final RecordingListener listener = new RecordingListener();
    private final EndpointRule twitter = twitter();
    private final Guard guard;

    GuardCacheTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
        this.guard = backEnd.guard(settings(Mode.ENFORCE, twitter), clock, listener);
    }

    private TokenHttpResponse call(TokenHttpRequest request) throws Exception {
        return guard.exchange(twitter, request, idp.upstream());
    }

    @Test
    void identicalRequestIsServedFromCacheWithUpstreamBodyAndMarker() throws Exception {
        TokenHttpResponse first = call(twitterBearer("app"));
        TokenHttpResponse second = call(twitterBearer("app"));

        assertThat(idp.calls).hasValue(1);
        assertThat(first.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(first.headers().first("X-TokenGuard")).isNull();
        assertThat(second.source()).isEqualTo(ResponseSource.CACHE);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.headers().first("Content-Type")).isEqualTo("application/json");
        assertThat(second.headers().first("X-TokenGuard")).isEqualTo("cache");
        assertThat(listener.count("upstream")).isEqualTo(1);
        assertThat(listener.count("cache")).isEqualTo(1);
    }

    @Test
    void differentClientCredentialsNeverShareAnAnswer() throws Exception {
        call(twitterBearer("app"));
        TokenHttpResponse other = call(twitterBearer("other"));
        TokenHttpResponse wrongSecret = call(post(TWITTER_URL, basic("app", "WRONG"),
                "application/x-www-form-urlencoded", "grant_type=client_credentials", 0));
        TokenHttpResponse otherScope = call(post(TWITTER_URL, basic("app", "app-secret"),
                "application/x-www-form-urlencoded", "grant_type=client_credentials&scope=write", 0));

        assertThat(idp.calls).hasValue(4);
        assertThat(FakeIdp.text(other)).contains("tok-2");
        assertThat(FakeIdp.text(wrongSecret)).contains("tok-3");
        assertThat(FakeIdp.text(otherScope)).contains("tok-4");
    }

    @Test
    void jsonAndFormBodiesAreBothIdentity() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.OBSERVE);
        Guard g = backEnd.guard(settings(Mode.ENFORCE, eloqua), clock, listener);
        g.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream());
        TokenHttpResponse same = g.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream());
        TokenHttpResponse wrong = g.exchange(eloqua, eloquaPassword("alice", "WRONG"), idp.upstream());
        TokenHttpResponse bob = g.exchange(eloqua, eloquaPassword("bob", "alice-pw"), idp.upstream());
        // Parameter order does not matter; the values do.
        TokenHttpResponse reordered = g.exchange(eloqua, post(ELOQUA_URL, basic("sample-app-client", "sample-app-secret"),
                "application/json", "{\"password\":\"alice-pw\",\"username\":\"SampleCo\\\\alice\",\"scope\":\"full\","
                        + "\"grant_type\":\"password\"}", 0), idp.upstream());

        assertThat(same.source()).isEqualTo(ResponseSource.CACHE);
        assertThat(reordered.source()).isEqualTo(ResponseSource.CACHE);
        assertThat(FakeIdp.text(wrong)).contains("tok-2");
        assertThat(FakeIdp.text(bob)).contains("tok-3");
        assertThat(idp.calls).hasValue(3);
    }

    @Test
    void entryLivesExpiresInMinusSkew() throws Exception {
        idp.body = "{\"access_token\":\"tok-1\",\"expires_in\":3600}";
        call(twitterBearer("app"));
        clock.advance(Duration.ofSeconds(3539));
        assertThat(call(twitterBearer("app")).source()).isEqualTo(ResponseSource.CACHE);
        clock.advance(Duration.ofSeconds(2));
        assertThat(call(twitterBearer("app")).source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(2);
    }

    @Test
    void shortLifetimeKeepsAtLeastATenth() throws Exception {
        idp.body = "{\"access_token\":\"tok-1\",\"expires_in\":\"30\"}";
        call(twitterBearer("app"));
        clock.advance(Duration.ofMillis(2900));
        assertThat(call(twitterBearer("app")).source()).isEqualTo(ResponseSource.CACHE);
        clock.advance(Duration.ofMillis(200));
        assertThat(call(twitterBearer("app")).source()).isEqualTo(ResponseSource.UPSTREAM);
    }

    @Test
    void noExpiresInUsesTheRuleDefaultTtl() throws Exception {
        idp.body = "{\"token_type\":\"bearer\",\"access_token\":\"AAAA\"}";
        call(twitterBearer("app"));
        clock.advance(Duration.ofMinutes(59));
        assertThat(call(twitterBearer("app")).source()).isEqualTo(ResponseSource.CACHE);
        clock.advance(Duration.ofMinutes(2));
        assertThat(call(twitterBearer("app")).source()).isEqualTo(ResponseSource.UPSTREAM);
    }

    @Test
    void jwtExpIsUsedWhenThereIsNoExpiresIn() throws Exception {
        long exp = clock.wallClockMillis() / 1000 + 600;
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"exp\":" + exp + "}").getBytes());
        idp.body = "{\"access_token\":\"eyJhbGciOiJub25lIn0." + payload + ".sig\"}";
        call(twitterBearer("app"));
        clock.advance(Duration.ofSeconds(539));
        assertThat(call(twitterBearer("app")).source()).isEqualTo(ResponseSource.CACHE);
        clock.advance(Duration.ofSeconds(2));
        assertThat(call(twitterBearer("app")).source()).isEqualTo(ResponseSource.UPSTREAM);
    }

    @Test
    void errorsAndTokenlessSuccessesAreNeverCached() throws Exception {
        idp.status = 400;
        idp.body = "{\"error\":\"invalid_grant\"}";
        call(twitterBearer("app"));
        call(twitterBearer("app"));
        idp.status = 200;
        idp.body = "{\"error\":\"temporarily_unavailable\",\"access_token\":\"x\"}";
        call(twitterBearer("app"));
        idp.body = "not json at all";
        call(twitterBearer("app"));
        idp.body = "{\"access_token\":\"x\",\"expires_in\":0}";
        call(twitterBearer("app"));
        call(twitterBearer("app"));
        assertThat(idp.calls).hasValue(6);
        assertThat(listener.count("cache")).isZero();
    }

    @Test
    void refreshGrantAnswersAreSharedOnlyBriefly() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard g = backEnd.guard(settings(Mode.ENFORCE, eloqua), clock, listener);
        idp.body = "{\"access_token\":\"tok-1\",\"expires_in\":28800,\"refresh_token\":\"r2\"}";
        g.exchange(eloqua, eloquaRefresh("r1"), idp.upstream());
        clock.advance(Duration.ofSeconds(29));
        assertThat(g.exchange(eloqua, eloquaRefresh("r1"), idp.upstream()).source()).isEqualTo(ResponseSource.CACHE);
        clock.advance(Duration.ofSeconds(2));
        assertThat(g.exchange(eloqua, eloquaRefresh("r1"), idp.upstream()).source()).isEqualTo(ResponseSource.UPSTREAM);
    }

    @Test
    void getRequestsPassThroughUnjudged() throws Exception {
        TokenHttpRequest get = new TokenHttpRequest(TestRequests.CLIENT, "GET", new java.net.URL(TWITTER_URL), null, null, 0);
        guard.exchange(twitter, get, idp.upstream());
        guard.exchange(twitter, get, idp.upstream());
        assertThat(idp.calls).hasValue(2);
        assertThat(listener.count("passthrough")).isEqualTo(2);
    }
}
