package io.tokenguard.agent.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker's states on a fake clock: one switch told per change, one probe after each back-off. */
class FleetBreakerTest {
    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final List<String> told = new ArrayList<>();
    private final FleetBreaker breaker = new FleetBreaker(now::get, new FleetListener() {
        @Override
        public void onFleetState(boolean fleet, String why) {
            told.add(fleet ? "fleet" : "local-only:" + why);
        }
    });

    @Test
    void theFirstFailureSwitchesToLocalOnlyOnceAndOneProbeComesAfterTheBackOff() {
        assertThat(breaker.allow()).isTrue();
        breaker.failed(new IllegalStateException());
        breaker.failed(new IllegalStateException()); // a call that was already under way
        assertThat(told).containsExactly("local-only:IllegalStateException");
        assertThat(breaker.allow()).isFalse();

        now.addAndGet(FleetBreaker.FIRST_BACK_OFF_NANOS);
        assertThat(breaker.allow()).as("the probe").isTrue();
        assertThat(breaker.allow()).as("only one").isFalse();
        breaker.failed(new IllegalStateException());
        assertThat(breaker.mode()).isEqualTo(FleetBreaker.Mode.LOCAL_ONLY);
        now.addAndGet(FleetBreaker.FIRST_BACK_OFF_NANOS);
        assertThat(breaker.allow()).as("the back-off doubled").isFalse();
        now.addAndGet(FleetBreaker.FIRST_BACK_OFF_NANOS);
        assertThat(breaker.allow()).isTrue();
        breaker.succeeded();
        assertThat(breaker.fleet()).isTrue();
        assertThat(told).containsExactly("local-only:IllegalStateException", "fleet");
    }

    @Test
    void theBackOffStopsGrowingAtItsMaximum() {
        breaker.failed(new IllegalStateException());
        for (int i = 0; i < 10; i++) {
            now.addAndGet(FleetBreaker.MAX_BACK_OFF_NANOS);
            assertThat(breaker.allow()).isTrue();
            breaker.failed(new IllegalStateException());
        }
        now.addAndGet(FleetBreaker.MAX_BACK_OFF_NANOS);
        assertThat(breaker.allow()).isTrue();
        assertThat(told).hasSize(1);
    }

    @Test
    void aSlowCallWhileRedisAnswersOthersDoesNotSwitch() {
        long began = breaker.began();
        breaker.succeeded(); // another thread's call, answered while this one waited
        breaker.failed(new IllegalStateException("timed out"), began);
        assertThat(breaker.fleet()).isTrue();
        assertThat(told).isEmpty();
    }

    @Test
    void aFailureWithNoAnswerSinceItBeganSwitches() {
        breaker.succeeded();
        long began = breaker.began();
        breaker.failed(new IllegalStateException("timed out"), began);
        assertThat(breaker.mode()).isEqualTo(FleetBreaker.Mode.LOCAL_ONLY);
        assertThat(told).containsExactly("local-only:IllegalStateException");
    }

    @Test
    void aLateSuccessAfterTheSwitchDoesNotSwitchBackOnlyTheProbeDoes() {
        breaker.failed(new IllegalStateException());
        breaker.succeeded(); // a call that was under way at the switch
        assertThat(breaker.mode()).isEqualTo(FleetBreaker.Mode.LOCAL_ONLY);
        now.addAndGet(FleetBreaker.FIRST_BACK_OFF_NANOS);
        assertThat(breaker.allow()).isTrue();
        breaker.succeeded();
        assertThat(breaker.fleet()).isTrue();
        assertThat(told).containsExactly("local-only:IllegalStateException", "fleet");
    }
}
