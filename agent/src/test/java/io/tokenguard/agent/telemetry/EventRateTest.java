package io.tokenguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.guard.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventRateTest {
    private final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    private final List<String> summaries = new ArrayList<>();
    private final EventRate.Lines out = (type, last, held, seconds) ->
            summaries.add(type + " " + last.userHash() + " " + held + "/" + seconds + "s");

    private static Violation of(String user) {
        return new Violation("eloqua", "app", user, "password", Violation.LOCAL_LIMIT, Violation.OBSERVED, 60, "1/1m");
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void theFirstEventOfAKeyIsWrittenTheRestOfItsIntervalIsOneSummary() {
        EventRate rate = new EventRate(Duration.ofSeconds(60), 20, 100, now::get);

        assertThat(rate.admit("violation", of("u1"), out)).isTrue();
        for (int i = 0; i < 999; i++) {
            assertThat(rate.admit("violation", of("u1"), out)).isFalse();
        }
        assertThat(summaries).isEmpty();

        advance(Duration.ofSeconds(60));
        assertThat(rate.admit("violation", of("u1"), out)).as("a new interval opens in full").isTrue();
        assertThat(summaries).containsExactly("violation u1 999/60s");
    }

    @Test
    void keysAreApartByTypeAndIdentity() {
        EventRate rate = new EventRate(Duration.ofSeconds(60), 20, 100, now::get);

        assertThat(rate.admit("violation", of("u1"), out)).isTrue();
        assertThat(rate.admit("violation", of("u2"), out)).isTrue();
        assertThat(rate.admit("cooldown", of("u1"), out)).isTrue();
        assertThat(rate.admit("violation", of("u1"), out)).isFalse();
    }

    @Test
    void aSummaryComesDueAtAnyKeysNextEvent() {
        EventRate rate = new EventRate(Duration.ofSeconds(60), 20, 100, now::get);
        rate.admit("violation", of("u1"), out);
        rate.admit("violation", of("u1"), out);
        rate.admit("violation", of("u1"), out);

        advance(Duration.ofSeconds(61));
        assertThat(rate.admit("violation", of("other"), out)).isTrue();
        assertThat(summaries).containsExactly("violation u1 2/60s");
    }

    @Test
    void theProcessWideCapHoldsLinesBackAndTheirCountsReachTheSummaries() {
        EventRate rate = new EventRate(Duration.ofSeconds(60), 20, 10_000, now::get);
        int written = 0;
        for (int i = 0; i < 1000; i++) {
            if (rate.admit("violation", of("user" + i), out)) {
                written++;
            }
        }
        assertThat(written).isEqualTo(20);

        advance(Duration.ofSeconds(10));
        rate.close(out);
        assertThat(summaries).as("at close, within the cap refilled since").hasSize(20)
                .allSatisfy(s -> assertThat(s).endsWith(" 1/60s"));
    }

    @Test
    void closeWritesWhatIsStillHeldBack() {
        EventRate rate = new EventRate(Duration.ofSeconds(60), 20, 100, now::get);
        rate.admit("cooldown", of("u1"), out);
        rate.admit("cooldown", of("u1"), out);

        rate.close(out);
        assertThat(summaries).containsExactly("cooldown u1 1/60s");
        rate.close(out);
        assertThat(summaries).as("once").hasSize(1);
    }

    @Test
    void aZeroIntervalWritesEveryEventWithinTheCap() {
        EventRate rate = new EventRate(Duration.ZERO, 5, 100, now::get);
        int written = 0;
        for (int i = 0; i < 10; i++) {
            if (rate.admit("violation", of("u1"), out)) {
                written++;
            }
        }
        assertThat(written).isEqualTo(5);
        advance(Duration.ofSeconds(1));
        assertThat(rate.admit("violation", of("u1"), out)).isTrue();
        assertThat(summaries).containsExactly("violation u1 5/0s");
    }
}
