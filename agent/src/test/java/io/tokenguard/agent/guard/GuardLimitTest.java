package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class GuardLimitTest {
    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final RecordingListener listener = new RecordingListener();

    GuardLimitTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
    }

    @Test
    void rejectAnswersLikeEloquaAndNeverSends() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard guard = backEnd.guard(settings(Mode.ENFORCE, eloqua), clock, listener);
        guard.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream());
        TokenHttpResponse second = guard.exchange(eloqua, eloquaPassword("alice", "typo"), idp.upstream());

        assertThat(idp.calls).hasValue(1);
        assertThat(second.status()).isEqualTo(429);
        assertThat(second.source()).isEqualTo(ResponseSource.LOCAL_THROTTLE);
        assertThat(second.headers().first("Retry-After")).isEqualTo("60");
        assertThat(FakeIdp.text(second)).startsWith("{\"error\":\"too_many_requests\"").doesNotContain("typo");
        assertThat(listener.violations).singleElement().satisfies(v -> {
            assertThat(v.kind()).isEqualTo(Violation.LOCAL_LIMIT);
            assertThat(v.action()).isEqualTo(Violation.REJECTED);
            assertThat(v.retryAfterSeconds()).isEqualTo(60);
            assertThat(v.userHash()).doesNotContain("alice");
        });

        // Another user of the same app has a limit of its own; a minute later alice has one again.
        guard.exchange(eloqua, eloquaPassword("bob", "bob-pw"), idp.upstream());
        clock.advance(Duration.ofSeconds(60));
        TokenHttpResponse later = guard.exchange(eloqua, eloquaPassword("alice", "typo"), idp.upstream());
        assertThat(later.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(3);
    }

    @Test
    void refreshGrantsAreExempt() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard guard = backEnd.guard(settings(Mode.ENFORCE, eloqua), clock, listener);
        guard.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream());
        for (int i = 0; i < 5; i++) {
            assertThat(guard.exchange(eloqua, eloquaRefresh("r" + i), idp.upstream()).status()).isEqualTo(200);
        }
        assertThat(idp.calls).hasValue(6);
        assertThat(listener.violations).isEmpty();
    }

    @Test
    void delayWaitsForAPermitThenSends() throws Exception {
        EndpointRule eloqua = EndpointRule.builder("eloqua").url(ELOQUA_URL).limit("1/60s").onLimit(OnLimit.DELAY)
                .maxDelay(Duration.ofSeconds(90)).build();
        Guard guard = backEnd.guard(settings(Mode.ENFORCE, eloqua), clock, listener);
        guard.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream());
        long before = clock.nanoTime();
        TokenHttpResponse delayed = guard.exchange(eloqua, eloquaPassword("alice", "other"), idp.upstream());

        assertThat(delayed.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(clock.nanoTime() - before).isBetween(Duration.ofSeconds(30).toNanos(), Duration.ofSeconds(60).toNanos());
        assertThat(idp.calls).hasValue(2);
        assertThat(listener.violations).singleElement().satisfies(v -> assertThat(v.action()).isEqualTo("delayed"));
        assertThat(listener.count("delayed")).isEqualTo(1);
    }

    @Test
    void delayBeyondMaxDelayRejects() throws Exception {
        EndpointRule eloqua = EndpointRule.builder("eloqua").url(ELOQUA_URL).limit("1/60s").onLimit(OnLimit.DELAY)
                .maxDelay(Duration.ofSeconds(5)).build();
        Guard guard = backEnd.guard(settings(Mode.ENFORCE, eloqua), clock, listener);
        guard.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream());
        TokenHttpResponse r = guard.exchange(eloqua, eloquaPassword("alice", "other"), idp.upstream());
        assertThat(r.status()).isEqualTo(429);
        assertThat(idp.calls).hasValue(1);
    }

    @Test
    void observeOnLimitSendsAndCounts() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.OBSERVE);
        Guard guard = backEnd.guard(settings(Mode.ENFORCE, eloqua), clock, listener);
        guard.exchange(eloqua, eloquaPassword("alice", "a"), idp.upstream());
        guard.exchange(eloqua, eloquaPassword("alice", "b"), idp.upstream());
        assertThat(idp.calls).hasValue(2);
        assertThat(listener.violations).singleElement().satisfies(v -> assertThat(v.action()).isEqualTo("observed"));
    }

    @Test
    void upstream429StartsACooldownHonouringRetryAfter() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard guard = backEnd.guard(settings(Mode.ENFORCE, eloqua), clock, listener);
        idp.status = 429;
        idp.headers = HttpHeaders.builder().add("Content-Type", "application/json").add("Retry-After", "20").build();
        idp.body = "{\"error\":\"too_many_requests\"}";
        TokenHttpResponse first = guard.exchange(eloqua, eloquaPassword("alice", "a"), idp.upstream());
        clock.advance(Duration.ofSeconds(5));
        TokenHttpResponse held = guard.exchange(eloqua, eloquaPassword("alice", "b"), idp.upstream());

        assertThat(first.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(held.source()).isEqualTo(ResponseSource.LOCAL_COOLDOWN);
        assertThat(held.status()).isEqualTo(429);
        assertThat(held.headers().first("Retry-After")).isEqualTo("15");
        assertThat(held.body()).isEqualTo(first.body());
        assertThat(idp.calls).hasValue(1);

        clock.advance(Duration.ofSeconds(60));
        idp.status = 200;
        idp.body = "{\"access_token\":\"tok-1\",\"expires_in\":28800}";
        assertThat(guard.exchange(eloqua, eloquaPassword("alice", "c"), idp.upstream()).status()).isEqualTo(200);
        assertThat(idp.calls).hasValue(2);
    }

    @Test
    void twitterLockoutSignatureStartsTheRuleCooldown() throws Exception {
        EndpointRule twitter = twitter();
        Guard guard = backEnd.guard(settings(Mode.ENFORCE, twitter), clock, listener);
        idp.status = 403;
        idp.body = "{\"errors\":[{\"label\":\"authenticity_token_error\",\"code\":99,"
                + "\"message\":\"Unable to verify your credentials\"}]}";
        guard.exchange(twitter, twitterBearer("app"), idp.upstream());
        clock.advance(Duration.ofMinutes(14));
        TokenHttpResponse held = guard.exchange(twitter, twitterBearer("app"), idp.upstream());
        assertThat(held.status()).isEqualTo(403);
        assertThat(held.source()).isEqualTo(ResponseSource.LOCAL_COOLDOWN);
        assertThat(held.headers().first("Retry-After")).isEqualTo("60");
        assertThat(idp.calls).hasValue(1);
        assertThat(listener.violations).extracting(Violation::kind).containsOnly(Violation.UPSTREAM_LOCKOUT);

        clock.advance(Duration.ofMinutes(2));
        idp.status = 200;
        idp.body = "{\"access_token\":\"AAAA\"}";
        assertThat(guard.exchange(twitter, twitterBearer("app"), idp.upstream()).status()).isEqualTo(200);
    }

    @Test
    void aForbiddenWithoutTheLockoutCodeIsJustAnError() throws Exception {
        EndpointRule twitter = twitter();
        Guard guard = backEnd.guard(settings(Mode.ENFORCE, twitter), clock, listener);
        idp.status = 403;
        idp.body = "{\"errors\":[{\"code\":32}]}";
        guard.exchange(twitter, twitterBearer("app"), idp.upstream());
        guard.exchange(twitter, twitterBearer("app"), idp.upstream());
        assertThat(idp.calls).hasValue(2);
        assertThat(listener.violations).isEmpty();
    }
}
