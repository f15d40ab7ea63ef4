package io.tokenguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.guard.RequestEvent;
import io.tokenguard.agent.guard.UpstreamEvent;
import io.tokenguard.agent.guard.Violation;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimelineTest {
    /** 2027-01-15T08:00:00Z, a whole second, plus a little so bucketing by floor is exercised. */
    private final AtomicLong millis = new AtomicLong(1_800_000_000_250L);

    private static Violation violation() {
        return new Violation("eloqua", "sample-app-client", "h", "password", Violation.LOCAL_LIMIT,
                Violation.REJECTED, 60, "1/60s");
    }

    @Test
    void countsEachSeriesPerSecondAndQuietSecondsAreZeros() {
        Timeline timeline = new Timeline(millis::get, 3600);
        timeline.onRequest(new RequestEvent("eloqua", "password", "c", "-", "upstream"));
        timeline.onUpstream(new UpstreamEvent("eloqua", "unknown", 200, 1_000, -1));
        timeline.onRequest(new RequestEvent("eloqua", "password", "c", "-", "cache"));
        millis.addAndGet(700); // still the same second: .250 + .700
        timeline.onRequest(new RequestEvent("eloqua", "password", "c", "-", "cache"));
        millis.addAndGet(2_000); // two seconds on; the second in between stays quiet
        timeline.onRequest(new RequestEvent("eloqua", "password", "c", "-", "throttled"));
        timeline.onViolation(violation());

        Timeline.Snapshot s = timeline.snapshot();
        assertThat(s.startSecond).isEqualTo(1_800_000_000L);
        assertThat(s.seconds()).isEqualTo(3);
        assertThat(s.requests).containsExactly(3, 0, 1);
        assertThat(s.upstream).containsExactly(1, 0, 0);
        assertThat(s.violations).containsExactly(0, 0, 1);
        assertThat(s.droppedSeconds).isZero();
    }

    @Test
    void theRingKeepsOnlyTheLastCapacitySeconds() {
        Timeline timeline = new Timeline(millis::get, 5);
        for (int second = 0; second < 12; second++) {
            for (int i = 0; i <= second; i++) {
                timeline.onRequest(new RequestEvent("eloqua", "password", "c", "-", "cache"));
            }
            millis.addAndGet(1_000);
        }

        Timeline.Snapshot s = timeline.snapshot();
        assertThat(s.seconds()).isEqualTo(5);
        assertThat(s.startSecond).isEqualTo(1_800_000_007L);
        assertThat(s.requests).containsExactly(8, 9, 10, 11, 12);
        assertThat(s.droppedSeconds).isEqualTo(7);
    }

    @Test
    void aClockSteppingBackWithinTheRingCountsInItsSecondAndFurtherBackIsDropped() {
        Timeline timeline = new Timeline(millis::get, 5);
        timeline.onRequest(new RequestEvent("e", "g", "c", "-", "cache"));
        millis.addAndGet(3_000);
        timeline.onRequest(new RequestEvent("e", "g", "c", "-", "cache"));
        millis.addAndGet(-2_000);
        timeline.onRequest(new RequestEvent("e", "g", "c", "-", "cache"));
        millis.addAndGet(-60_000);
        timeline.onRequest(new RequestEvent("e", "g", "c", "-", "cache"));

        assertThat(timeline.snapshot().requests).containsExactly(1, 1, 0, 1);
    }

    @Test
    void nothingRecordedIsAnEmptySnapshot() {
        assertThat(new Timeline(millis::get, 10).snapshot().seconds()).isZero();
    }
}
