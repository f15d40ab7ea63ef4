package io.tokenguard.agent.telemetry;

import io.tokenguard.agent.guard.GuardListener;
import io.tokenguard.agent.guard.RequestEvent;
import io.tokenguard.agent.guard.UpstreamEvent;
import io.tokenguard.agent.guard.Violation;
import java.util.function.LongSupplier;

/**
 * Per-second counts of app token requests, upstream calls and violations, for the HTML report's
 * chart. A ring of the last {@code capacity} seconds: memory stays fixed however long the JVM runs,
 * and a long run keeps its most recent hour (the default), where a storm at the end would show.
 * Token requests are rare next to the app's other work, so one lock is cheap enough here.
 */
public final class Timeline implements GuardListener {
    public static final int DEFAULT_CAPACITY = 3600;
    private static final int REQUESTS = 0;
    private static final int UPSTREAM = 1;
    private static final int VIOLATIONS = 2;

    private final LongSupplier wallClockMillis;
    private final int capacity;
    /** Allocated at the first count (some 115 KB for an hour): a JVM without the HTML report never pays. */
    private long[] second;
    private long[] requests;
    private long[] upstream;
    private long[] violations;
    private long first = Long.MIN_VALUE;
    private long last = Long.MIN_VALUE;

    /** The last {@link #DEFAULT_CAPACITY} seconds by the system clock. */
    public Timeline() {
        this(System::currentTimeMillis, DEFAULT_CAPACITY);
    }

    /** A clock injected so tests move time instead of sleeping. */
    public Timeline(LongSupplier wallClockMillis, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.wallClockMillis = wallClockMillis;
        this.capacity = capacity;
    }

    @Override
    public void onRequest(RequestEvent request) {
        add(REQUESTS);
    }

    @Override
    public void onUpstream(UpstreamEvent call) {
        add(UPSTREAM);
    }

    @Override
    public void onViolation(Violation violation) {
        add(VIOLATIONS);
    }

    private synchronized void add(int series) {
        if (second == null) {
            second = new long[capacity];
            java.util.Arrays.fill(second, Long.MIN_VALUE);
            requests = new long[capacity];
            upstream = new long[capacity];
            violations = new long[capacity];
        }
        long now = Math.floorDiv(wallClockMillis.getAsLong(), 1000L);
        if (last != Long.MIN_VALUE && now <= last - capacity) {
            return; // The wall clock stepped back further than the ring reaches: nowhere to count it.
        }
        int slot = (int) Math.floorMod(now, (long) capacity);
        if (second[slot] != now) {
            second[slot] = now;
            requests[slot] = 0;
            upstream[slot] = 0;
            violations[slot] = 0;
        }
        (series == REQUESTS ? requests : series == UPSTREAM ? upstream : violations)[slot]++;
        if (first == Long.MIN_VALUE || now < first) {
            first = now;
        }
        if (now > last) {
            last = now;
        }
    }

    /** Every second from the first kept one to the last recorded one, quiet seconds as zeros. */
    public synchronized Snapshot snapshot() {
        if (last == Long.MIN_VALUE) {
            return new Snapshot(0, new long[0], new long[0], new long[0], 0);
        }
        long from = Math.max(first, last - capacity + 1);
        int n = (int) (last - from + 1);
        long[] r = new long[n];
        long[] u = new long[n];
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            long s = from + i;
            int slot = (int) Math.floorMod(s, (long) capacity);
            if (second[slot] == s) {
                r[i] = requests[slot];
                u[i] = upstream[slot];
                v[i] = violations[slot];
            }
        }
        return new Snapshot(from, r, u, v, from - first);
    }

    /** An immutable copy of the counts, index 0 being the epoch second {@link #startSecond}. */
    public static final class Snapshot {
        public final long startSecond;
        public final long[] requests;
        public final long[] upstream;
        public final long[] violations;
        /** Seconds at the start of the run that no longer fit the ring. */
        public final long droppedSeconds;

        Snapshot(long startSecond, long[] requests, long[] upstream, long[] violations, long droppedSeconds) {
            this.startSecond = startSecond;
            this.requests = requests;
            this.upstream = upstream;
            this.violations = violations;
            this.droppedSeconds = droppedSeconds;
        }

        public int seconds() {
            return requests.length;
        }
    }
}
