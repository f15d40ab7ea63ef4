package io.tokenguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MinuteWindowTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    @Test
    void countsTheCurrentSecondAndTheFiftyNineBefore() {
        MinuteWindow w = new MinuteWindow();
        long t0 = 1_000 * S;
        assertThat(w.add(t0)).isEqualTo(1);
        assertThat(w.add(t0 + S / 2)).isEqualTo(2);
        assertThat(w.add(t0 + 30 * S)).isEqualTo(3);
        assertThat(w.count(t0 + 59 * S)).isEqualTo(3);
        // The first second leaves the window 60 s after it began; the call at +30 s stays.
        assertThat(w.count(t0 + 60 * S)).isEqualTo(1);
        assertThat(w.count(t0 + 90 * S)).isZero();
        // A slot is reused for a later second without carrying the old count.
        assertThat(w.add(t0 + 120 * S)).isEqualTo(1);
    }

    @Test
    void addIfBelowRefusesAtTheMaximumAndSaysWhenRoomComesBack() {
        MinuteWindow w = new MinuteWindow();
        long t0 = 500 * S;
        assertThat(w.addIfBelow(t0, 2)).isEqualTo(1);
        assertThat(w.addIfBelow(t0 + 10 * S, 2)).isEqualTo(2);
        assertThat(w.addIfBelow(t0 + 20 * S, 2)).isEqualTo(-1);
        assertThat(w.count(t0 + 20 * S)).isEqualTo(2);
        assertThat(w.nanosUntilOldestLeaves(t0 + 20 * S)).isEqualTo(40 * S);
        assertThat(w.addIfBelow(t0 + 60 * S, 2)).isEqualTo(2);
    }
}
