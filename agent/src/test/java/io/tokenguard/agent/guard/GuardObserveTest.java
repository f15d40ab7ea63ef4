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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class GuardObserveTest {
    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final RecordingListener listener = new RecordingListener();

    GuardObserveTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
    }

    @Test
    void observeSendsEverythingAndCountsWhatEnforceWouldDo() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard guard = backEnd.guard(settings(Mode.OBSERVE, eloqua), clock, listener);
        for (int i = 0; i < 5; i++) {
            TokenHttpResponse r = guard.exchange(eloqua, eloquaPassword("alice", "alice-pw"), idp.upstream());
            assertThat(r.source()).isEqualTo(ResponseSource.UPSTREAM);
            assertThat(r.headers().first("X-TokenGuard")).isNull();
        }
        guard.exchange(eloqua, eloquaPassword("alice", "typo"), idp.upstream());

        assertThat(idp.calls).hasValue(6);
        assertThat(listener.count("upstream")).isEqualTo(1);
        assertThat(listener.count("would_cache")).isEqualTo(4);
        assertThat(listener.count("would_throttle")).isEqualTo(1);
        assertThat(listener.violations).singleElement().satisfies(v -> {
            assertThat(v.kind()).isEqualTo(Violation.LOCAL_LIMIT);
            assertThat(v.action()).isEqualTo(Violation.OBSERVED);
        });
    }

    /** The outcome of every request, in order. */
    private static final class Outcomes implements GuardListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onRequest(RequestEvent request) {
            seen.add(request.outcome());
        }
    }

    /** A script whose requests never repeat one that enforce answered locally (observe sends those). */
    private List<String> script(Mode mode) throws Exception {
        FakeClock time = new FakeClock();
        FakeIdp provider = new FakeIdp();
        Outcomes outcomes = new Outcomes();
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard guard = backEnd.guard(settings(mode, eloqua), time, outcomes);
        guard.exchange(eloqua, eloquaPassword("alice", "alice-pw"), provider.upstream());
        guard.exchange(eloqua, eloquaPassword("alice", "alice-pw"), provider.upstream());
        guard.exchange(eloqua, eloquaPassword("alice", "typo"), provider.upstream());
        provider.body = "{\"access_token\":\"tok-1\",\"expires_in\":28800,\"refresh_token\":\"r2\"}";
        guard.exchange(eloqua, eloquaRefresh("r1"), provider.upstream());
        time.advance(Duration.ofSeconds(29));
        guard.exchange(eloqua, eloquaRefresh("r1"), provider.upstream());
        // Past cache.refresh-grant-ttl: enforce asks again, so observe must not count it as cached.
        time.advance(Duration.ofSeconds(2));
        guard.exchange(eloqua, eloquaRefresh("r1"), provider.upstream());
        provider.status = 429;
        provider.headers = HttpHeaders.builder().add("Content-Type", "application/json").add("Retry-After", "20").build();
        provider.body = "{\"error\":\"too_many_requests\"}";
        guard.exchange(eloqua, eloquaPassword("bob", "bob-pw"), provider.upstream());
        guard.exchange(eloqua, eloquaPassword("bob", "other"), provider.upstream());
        return outcomes.seen;
    }

    /** One decision for both modes: observe counts, request by request, what enforce does. */
    @Test
    void observeCountsWhatEnforceDoesRequestByRequest() throws Exception {
        Map<String, String> wouldBe = Map.of("upstream", "upstream", "cache", "would_cache", "coalesced",
                "would_coalesce", "throttled", "would_throttle", "cooldown", "would_throttle");
        List<String> enforced = script(Mode.ENFORCE);

        assertThat(enforced).containsExactly("upstream", "cache", "throttled", "upstream", "cache", "upstream",
                "upstream", "cooldown");
        assertThat(script(Mode.OBSERVE)).isEqualTo(enforced.stream().map(wouldBe::get).collect(Collectors.toList()));
    }
}
