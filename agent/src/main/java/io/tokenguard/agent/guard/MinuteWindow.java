package io.tokenguard.agent.guard;

/**
 * Calls counted over the trailing minute in sixty one-second slots: constant memory whatever the
 * rate, at the price of one-second resolution (the window is the current second and the 59 before).
 */
public final class MinuteWindow {
    static final int SLOTS = 60;
    private static final long SECOND = 1_000_000_000L;

    private final long[] slotSecond = new long[SLOTS];
    private final long[] slotCount = new long[SLOTS];

    public MinuteWindow() {
        java.util.Arrays.fill(slotSecond, Long.MIN_VALUE);
    }

    /** Calls in the window that ends at nowNanos. */
    public synchronized long count(long nowNanos) {
        long now = Math.floorDiv(nowNanos, SECOND);
        long sum = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (slotSecond[i] > now - SLOTS) {
                sum += slotCount[i];
            }
        }
        return sum;
    }

    /** Counts one call at nowNanos; returns the calls in the window, this one included. */
    public synchronized long add(long nowNanos) {
        long now = Math.floorDiv(nowNanos, SECOND);
        int slot = (int) Math.floorMod(now, (long) SLOTS);
        if (slotSecond[slot] != now) {
            slotSecond[slot] = now;
            slotCount[slot] = 0;
        }
        slotCount[slot]++;
        return count(nowNanos);
    }

    /** Counts one call unless the window already holds max; returns the count after, or -1 when it was full. */
    synchronized long addIfBelow(long nowNanos, long max) {
        return count(nowNanos) >= max ? -1 : add(nowNanos);
    }

    /** Time until the oldest counted second leaves the window (at least one nanosecond). */
    synchronized long nanosUntilOldestLeaves(long nowNanos) {
        long now = Math.floorDiv(nowNanos, SECOND);
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < SLOTS; i++) {
            if (slotSecond[i] > now - SLOTS && slotCount[i] > 0) {
                oldest = Math.min(oldest, slotSecond[i]);
            }
        }
        return oldest == Long.MAX_VALUE ? 1 : Math.max(1, (oldest + SLOTS) * SECOND - nowNanos);
    }
}
