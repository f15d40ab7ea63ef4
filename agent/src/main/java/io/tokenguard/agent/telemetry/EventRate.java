package io.tokenguard.agent.telemetry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.tokenguard.agent.guard.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * Which violation and cooldown events reach the log, so a storm of refusals does not become a log
 * flood (a 5-second observe run once wrote 30,000 lines). Per (type, endpoint, client, user, kind,
 * action) the first event is written in full; the next ones within the interval are held back and
 * counted, and one summary with that count follows when the interval is over (at the next event of
 * any key, or at close: no thread of its own). Above that, at most {@code maxPerSecond} lines a second
 * for the whole process; a line refused by that cap is counted in its key's next summary. The exact
 * counts stay in the metrics and reports; this decides only what is written.
 */
final class EventRate {
    /** Where the decided lines go. */
    interface Lines {
        void summary(String type, Violation last, long held, long intervalSeconds);
    }

    private final long intervalNanos;
    private final Ticker ticker;
    private final Bucket lines;
    private final Cache<Key, Window> windows;
    /** Windows holding events back, by when their summary is due. */
    private final PriorityQueue<Window> due = new PriorityQueue<>((a, b) -> Long.compare(a.dueAt, b.dueAt));

    EventRate(Duration interval, int maxPerSecond, int maxKeys, Ticker ticker) {
        this.intervalNanos = interval.toNanos();
        this.ticker = ticker;
        this.lines = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(maxPerSecond).refillGreedy(maxPerSecond, Duration.ofSeconds(1))
                        .build())
                .withCustomTimePrecision(timeMeter(ticker)).build();
        this.windows = Caffeine.newBuilder().maximumSize(maxKeys).ticker(ticker).executor(Runnable::run).build();
    }

    /**
     * Whether this event is written in full now; false: held back and counted. Summaries that are due
     * are written first, through {@code out}.
     */
    boolean admit(String type, Violation v, Lines out) {
        long now = ticker.read();
        writeDue(now, false, out);
        Window w = windows.get(new Key(type, v), k -> new Window(type));
        synchronized (w) {
            w.last = v;
            if (w.opened && now - w.openedAt < intervalNanos) {
                hold(w, now);
                return false;
            }
            w.opened = true;
            w.openedAt = now;
            if (lines.tryConsume(1)) {
                return true;
            }
            hold(w, now);
            return false;
        }
    }

    /** Writes every summary still owed, due or not (within the cap): the process is ending. */
    void close(Lines out) {
        writeDue(ticker.read(), true, out);
    }

    private void hold(Window w, long now) {
        w.held++;
        if (!w.queued) {
            w.queued = true;
            w.dueAt = Math.max(now, w.openedAt + intervalNanos);
            synchronized (due) {
                due.add(w);
            }
        }
    }

    private void writeDue(long now, boolean all, Lines out) {
        List<Window> ready = null;
        synchronized (due) {
            for (Window w = due.peek(); w != null && (all || w.dueAt <= now); w = due.peek()) {
                due.poll();
                if (ready == null) {
                    ready = new ArrayList<>();
                }
                ready.add(w);
            }
        }
        if (ready == null) {
            return;
        }
        for (Window w : ready) {
            long held;
            Violation last;
            synchronized (w) {
                w.queued = false;
                if (!lines.tryConsume(1)) {
                    // Still over the cap: the count waits for the next interval, nothing is lost.
                    if (!all) {
                        w.queued = true;
                        w.dueAt = now + Math.max(intervalNanos, 1_000_000_000L);
                        synchronized (due) {
                            due.add(w);
                        }
                    }
                    continue;
                }
                held = w.held;
                last = w.last;
                w.held = 0;
                // The summary closes this interval; the key's next event opens a new one in full.
                w.opened = false;
            }
            out.summary(w.type, last, held, Math.max(0, intervalNanos / 1_000_000_000L));
        }
    }

    private static TimeMeter timeMeter(Ticker ticker) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return ticker.read();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    private static final class Window {
        final String type;
        Violation last;
        boolean opened;
        long openedAt;
        long held;
        boolean queued;
        long dueAt;

        Window(String type) {
            this.type = type;
        }
    }

    /** What makes two events the same for the log: never the counts or the time. */
    private static final class Key {
        private final String type;
        private final String endpoint;
        private final String client;
        private final String user;
        private final String kind;
        private final String action;

        Key(String type, Violation v) {
            this.type = type;
            this.endpoint = v.endpoint();
            this.client = v.client();
            this.user = v.userHash();
            this.kind = v.kind();
            this.action = v.action();
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return type.equals(k.type) && Objects.equals(endpoint, k.endpoint) && Objects.equals(client, k.client)
                    && Objects.equals(user, k.user) && Objects.equals(kind, k.kind) && Objects.equals(action, k.action);
        }

        @Override
        public int hashCode() {
            return Objects.hash(type, endpoint, client, user, kind, action);
        }
    }
}
