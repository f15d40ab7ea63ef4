package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.config.OnBreach;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** The load-test guardrail: upstream calls per minute per endpoint and HTTP client. */
@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class GuardGuardrailTest {
    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final RecordingListener listener = new RecordingListener();

    GuardGuardrailTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
    }

    private Guard guard(Mode mode, OnBreach onBreach, int globalMax, EndpointRule rule) {
        return backEnd.guard(AgentSettings.builder().mode(mode).maxUpstreamPerMinute(globalMax).onBreach(onBreach)
                .rule(rule).build(), clock, listener);
    }

    @Test
    void rejectAnswersLocallyOnceTheMinuteIsFullAndCountsABreach() throws Exception {
        EndpointRule twitter = twitter();
        Guard guard = guard(Mode.ENFORCE, OnBreach.REJECT, 3, twitter);
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(10));
            assertThat(guard.exchange(twitter, via("okhttp", twitterBearer("app" + i)), idp.upstream()).status())
                    .isEqualTo(200);
        }
        TokenHttpResponse fourth = guard.exchange(twitter, via("okhttp", twitterBearer("app3")), idp.upstream());

        assertThat(idp.calls).hasValue(3);
        assertThat(fourth.status()).isEqualTo(429);
        assertThat(fourth.source()).isEqualTo(ResponseSource.LOCAL_THROTTLE);
        // The first call (at +10 s) leaves the window at +70 s; now is +30 s.
        assertThat(fourth.headers().first("Retry-After")).isEqualTo("40");
        assertThat(FakeIdp.text(fourth)).contains("guardrail of 3 upstream calls per minute", "twitter")
                .doesNotContain("app3-secret");
        assertThat(listener.count("throttled")).isEqualTo(1);
        assertThat(listener.violations).singleElement().satisfies(v -> {
            assertThat(v.kind()).isEqualTo(Violation.GUARDRAIL_BREACH);
            assertThat(v.action()).isEqualTo(Violation.REJECTED);
            assertThat(v.httpClient()).isEqualTo("okhttp");
            assertThat(v.upstreamLastMinute()).isEqualTo(3);
            assertThat(v.limit()).isEqualTo("3/60s");
            assertThat(v.retryAfterSeconds()).isEqualTo(40);
        });

        // Another HTTP client has a window of its own.
        assertThat(guard.exchange(twitter, via("jdkhttp", twitterBearer("app4")), idp.upstream()).status())
                .isEqualTo(200);
        // Once the oldest call has left the window, the next one goes upstream again.
        clock.advance(Duration.ofSeconds(40));
        assertThat(guard.exchange(twitter, via("okhttp", twitterBearer("app5")), idp.upstream()).source())
                .isEqualTo(ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(5);
        assertThat(listener.violations).hasSize(1);
    }

    @Test
    void aCachedAnswerNeverCountsTowardTheGuardrail() throws Exception {
        EndpointRule twitter = twitter();
        Guard guard = guard(Mode.ENFORCE, OnBreach.REJECT, 1, twitter);
        for (int i = 0; i < 10; i++) {
            assertThat(guard.exchange(twitter, twitterBearer("app"), idp.upstream()).status()).isEqualTo(200);
        }
        assertThat(idp.calls).hasValue(1);
        assertThat(listener.violations).isEmpty();
    }

    @Test
    void theRuleOwnMaximumBeatsTheGlobalOne() throws Exception {
        EndpointRule strict = EndpointRule.builder("twitter").url(TWITTER_URL).maxUpstreamPerMinute(1).build();
        Guard guard = guard(Mode.ENFORCE, OnBreach.REJECT, 100, strict);
        guard.exchange(strict, twitterBearer("a"), idp.upstream());
        TokenHttpResponse second = guard.exchange(strict, twitterBearer("b"), idp.upstream());

        assertThat(second.status()).isEqualTo(429);
        assertThat(idp.calls).hasValue(1);
        assertThat(listener.violations).singleElement()
                .satisfies(v -> assertThat(v.limit()).isEqualTo("1/60s"));
    }

    @Test
    void observeSendsEveryCallAndCountsEachOneOverTheMaximum() throws Exception {
        EndpointRule twitter = twitter();
        Guard guard = guard(Mode.ENFORCE, OnBreach.OBSERVE, 2, twitter);
        for (int i = 0; i < 4; i++) {
            assertThat(guard.exchange(twitter, twitterBearer("app" + i), idp.upstream()).source())
                    .isEqualTo(ResponseSource.UPSTREAM);
        }
        assertThat(idp.calls).hasValue(4);
        assertThat(listener.violations).extracting(Violation::kind).containsOnly(Violation.GUARDRAIL_BREACH);
        assertThat(listener.violations).extracting(Violation::action).containsExactly("observed", "observed");
        assertThat(listener.violations).extracting(Violation::upstreamLastMinute).containsExactly(3L, 4L);
    }

    @Test
    void observeModeNeverRejectsABreach() throws Exception {
        EndpointRule twitter = twitter();
        Guard guard = guard(Mode.OBSERVE, OnBreach.REJECT, 1, twitter);
        guard.exchange(twitter, twitterBearer("a"), idp.upstream());
        TokenHttpResponse second = guard.exchange(twitter, twitterBearer("b"), idp.upstream());

        assertThat(second.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(2);
        assertThat(listener.violations).singleElement().satisfies(v -> {
            assertThat(v.kind()).isEqualTo(Violation.GUARDRAIL_BREACH);
            assertThat(v.action()).isEqualTo(Violation.OBSERVED);
        });
    }

    @Test
    void withoutAMaximumNothingIsABreachButTheMinuteIsStillCounted() throws Exception {
        EndpointRule twitter = twitter();
        Guard guard = guard(Mode.ENFORCE, OnBreach.REJECT, 0, twitter);
        for (int i = 0; i < 20; i++) {
            guard.exchange(twitter, twitterBearer("app" + i), idp.upstream());
        }
        idp.status = 429;
        idp.body = "{\"error\":\"slow_down\"}";
        guard.exchange(twitter, twitterBearer("last"), idp.upstream());

        assertThat(idp.calls).hasValue(21);
        assertThat(listener.violations).singleElement().satisfies(v -> {
            assertThat(v.kind()).isEqualTo(Violation.UPSTREAM_RATE_LIMITED);
            assertThat(v.upstreamLastMinute()).isEqualTo(21);
        });
    }

    @Test
    void aCallTheGuardrailRejectsDoesNotUseUpTheIdentitysOwnLimit() throws Exception {
        EndpointRule slow = EndpointRule.builder("eloqua").url(ELOQUA_URL).limit("1/10m").build();
        Guard guard = guard(Mode.ENFORCE, OnBreach.REJECT, 1, slow);
        guard.exchange(slow, eloquaPassword("alice", "alice-pw"), idp.upstream());
        clock.advance(Duration.ofSeconds(1));
        assertThat(guard.exchange(slow, eloquaPassword("bob", "bob-pw"), idp.upstream()).status()).isEqualTo(429);

        // A minute later the guardrail has room, and bob's own 1/10m permit is still there.
        clock.advance(Duration.ofSeconds(60));
        assertThat(guard.exchange(slow, eloquaPassword("bob", "bob-pw"), idp.upstream()).source())
                .isEqualTo(ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(2);
        assertThat(listener.violations).extracting(Violation::kind).containsExactly(Violation.GUARDRAIL_BREACH);
    }
}
