package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** A cached answer's expires_in says what is left of the token's life, not what it was at issuance (issue 10 §8). */
@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class GuardRemainingLifetimeTest {
    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final RecordingListener listener = new RecordingListener();
    private final EndpointRule twitter = twitter();
    private final Guard guard;

    GuardRemainingLifetimeTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
        this.guard = backEnd.guard(AgentSettings.builder().mode(Mode.ENFORCE).rule(twitter).build(), clock,
                listener);
    }

    private TokenHttpResponse call() throws Exception {
        return guard.exchange(twitter, twitterBearer("app"), idp.upstream());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "JSON number          | application/json | {\"access_token\":\"tok-1\",\"expires_in\":3600,\"scope\":\"a\"} | {\"access_token\":\"tok-1\",\"expires_in\":120,\"scope\":\"a\"}",
        "JSON numeric string  | application/json | {\"access_token\":\"tok-1\",\"expires_in\":\"3600\"} | {\"access_token\":\"tok-1\",\"expires_in\":\"120\"}",
        "JSON with spaces     | application/json | { \"expires_in\" : 3600 , \"access_token\" : \"tok-1\" } | { \"expires_in\" : 120 , \"access_token\" : \"tok-1\" }",
        "JSON fraction        | application/json | {\"access_token\":\"tok-1\",\"expires_in\":3600.5} | {\"access_token\":\"tok-1\",\"expires_in\":120}",
        "form                 | application/x-www-form-urlencoded | access_token=tok-1&expires_in=3600&token_type=bearer | access_token=tok-1&expires_in=120&token_type=bearer",
        "non-ASCII before it  | application/json | {\"note\":\"\u00e9t\u00e9\",\"access_token\":\"tok-1\",\"expires_in\":3600} | {\"note\":\"\u00e9t\u00e9\",\"access_token\":\"tok-1\",\"expires_in\":120}"})
    void aCachedAnswerSaysWhatIsLeft(String name, String type, String issued, String served) throws Exception {
        idp.body = issued;
        idp.headers = HttpHeaders.builder().add("Content-Type", type).add("Content-Length", "999")
                .add("Cache-Control", "no-store").build();
        TokenHttpResponse first = call();
        clock.advance(Duration.ofMillis(900));
        TokenHttpResponse withinASecond = call();
        clock.advance(Duration.ofMinutes(58).minusMillis(900));
        TokenHttpResponse later = call();

        assertThat(FakeIdp.text(first)).isEqualTo(issued);
        assertThat(withinASecond.body()).as("within the first second: byte for byte").isEqualTo(first.body());
        assertThat(later.source()).isEqualTo(ResponseSource.CACHE);
        assertThat(FakeIdp.text(later)).isEqualTo(served);
        assertThat(later.headers().first("Content-Length")).isEqualTo(Integer.toString(later.body().length));
        assertThat(later.headers().name(1)).as("headers keep their order").isEqualTo("Content-Length");
        assertThat(later.headers().first("Cache-Control")).isEqualTo("no-store");
        assertThat(idp.calls).hasValue(1);
    }

    @Test
    void anAnswerWithoutExpiresInOrWithAnEscapedOneIsServedAsIs() throws Exception {
        idp.body = "{\"access_token\":\"tok-1\",\"expires_in\":\"\\u0033600\"}";
        TokenHttpResponse first = call();
        clock.advance(Duration.ofMinutes(30));
        TokenHttpResponse later = call();

        assertThat(later.source()).isEqualTo(ResponseSource.CACHE);
        assertThat(later.body()).isEqualTo(first.body());
    }
}
