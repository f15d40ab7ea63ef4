package io.tokenguard.agent.guard;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Time that moves only when a test (or a guard's wait) moves it. */
final class FakeClock implements GuardClock {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final long wallStartMillis = 1_800_000_000_000L;

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long wallClockMillis() {
        return wallStartMillis + (nanos.get() - 1_000_000_000L) / 1_000_000L;
    }

    @Override
    public void park(long parkNanos) {
        nanos.addAndGet(parkNanos);
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }
}
