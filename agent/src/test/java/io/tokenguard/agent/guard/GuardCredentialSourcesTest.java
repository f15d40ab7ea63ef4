package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an adapter reports from below its hook: the credential sources a request would use on the
 * wire (compared by identity), and answers it could only read in part (truncated).
 */
@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class GuardCredentialSourcesTest {
    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final RecordingListener listener = new RecordingListener();
    private final EndpointRule twitter = twitter();
    private final Guard guard;

    GuardCredentialSourcesTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
        this.guard = backEnd.guard(settings(Mode.ENFORCE, twitter), clock, listener);
    }

    /** equals() says every instance is the same; only identity may count. */
    private static final class Lenient {
        @Override
        public boolean equals(Object o) {
            return o instanceof Lenient;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    private TokenHttpResponse call(TokenHttpRequest request) throws Exception {
        return guard.exchange(twitter, request, idp.upstream());
    }

    @Test
    void requestsWithOtherCredentialSourcesNeverShareAnAnswer() throws Exception {
        Object authenticatorA = new Lenient();
        Object authenticatorB = new Lenient();
        TokenHttpResponse a = call(twitterBearer("app").withCredentialSources(authenticatorA));
        TokenHttpResponse b = call(twitterBearer("app").withCredentialSources(authenticatorB));
        TokenHttpResponse none = call(twitterBearer("app"));
        TokenHttpResponse aAgain = call(twitterBearer("app").withCredentialSources(authenticatorA));
        TokenHttpResponse aWithMore = call(twitterBearer("app").withCredentialSources(authenticatorA, new Object()));

        assertThat(FakeIdp.text(a)).contains("tok-1");
        assertThat(FakeIdp.text(b)).contains("tok-2");
        assertThat(FakeIdp.text(none)).contains("tok-3");
        assertThat(aAgain.source()).isEqualTo(ResponseSource.CACHE);
        assertThat(FakeIdp.text(aAgain)).contains("tok-1");
        assertThat(FakeIdp.text(aWithMore)).contains("tok-4");
        assertThat(idp.calls).hasValue(4);
    }

    @Test
    void absentSourcesCountAsNone() throws Exception {
        call(twitterBearer("app"));
        TokenHttpResponse nulls = call(twitterBearer("app").withCredentialSources(null, null));

        assertThat(nulls.source()).isEqualTo(ResponseSource.CACHE);
        assertThat(idp.calls).hasValue(1);
    }

    private static TokenHttpResponse truncatedToken() {
        return new TokenHttpResponse(200, "OK", HttpHeaders.builder().add("Content-Type", "application/json").build(),
                "{\"access_token\":\"AAAA\",\"expires_in\":3600".getBytes(StandardCharsets.UTF_8),
                ResponseSource.UPSTREAM, true);
    }

    @Test
    void aTruncatedAnswerIsNeverCached() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            TokenHttpResponse r = guard.exchange(twitter, twitterBearer("app"), () -> {
                calls.incrementAndGet();
                return truncatedToken();
            });
            assertThat(r.source()).isEqualTo(ResponseSource.UPSTREAM);
            assertThat(r.truncated()).isTrue();
        }
        assertThat(calls).hasValue(3);
        assertThat(guard.cacheSize()).isZero();
    }

    @Test
    void whoeverJoinedATruncatedAnswerSendsTheirOwnRequest() throws Exception {
        CompletableFuture<TokenHttpResponse> leaderAnswer = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        AsyncUpstream leaderUpstream = () -> {
            calls.incrementAndGet();
            return leaderAnswer;
        };
        AsyncUpstream followerUpstream = () -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(new TokenHttpResponse(200, "OK", HttpHeaders.EMPTY,
                    "{\"access_token\":\"own\"}".getBytes(StandardCharsets.UTF_8), ResponseSource.UPSTREAM));
        };
        CompletableFuture<TokenHttpResponse> leader = guard.exchangeAsync(twitter, twitterBearer("app"), leaderUpstream);
        CompletableFuture<TokenHttpResponse> follower = guard.exchangeAsync(twitter, twitterBearer("app"),
                followerUpstream);
        // A store may answer later: the leader is then sent once it has heard from it.
        Awaitility.await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertThat(calls).hasValue(1));

        leaderAnswer.complete(truncatedToken());

        assertThat(leader.get(5, TimeUnit.SECONDS).truncated()).isTrue();
        TokenHttpResponse own = follower.get(5, TimeUnit.SECONDS);
        assertThat(own.truncated()).isFalse();
        assertThat(FakeIdp.text(own)).isEqualTo("{\"access_token\":\"own\"}");
        assertThat(calls).hasValue(2);
    }
}
