package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import org.junit.jupiter.api.Test;

class GuardObserveTest {
    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final RecordingListener listener = new RecordingListener();

    @Test
    void observeSendsEverythingAndCountsWhatEnforceWouldDo() throws Exception {
        EndpointRule eloqua = eloqua(OnLimit.REJECT);
        Guard guard = new Guard(settings(Mode.OBSERVE, eloqua), clock, listener);
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
}
