package io.tokenguard.agent.catalog;

import java.time.Duration;

/** N requests per period, e.g. 1/60s. */
public final class RateLimit {
    public static final String EXPECTED = "N/<duration> like 1/60s, 5/15m or 3600/1h, or none";

    private final long count;
    private final Duration period;

    public RateLimit(long count, Duration period) {
        this.count = count;
        this.period = period;
    }

    /** The limit, or null for {@code none}. */
    public static RateLimit parse(String text) {
        String t = text.trim();
        if ("none".equalsIgnoreCase(t)) {
            return null;
        }
        int slash = t.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException(EXPECTED);
        }
        long count;
        Duration period;
        try {
            count = Long.parseLong(t.substring(0, slash).trim());
            period = Durations.parse(t.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(EXPECTED);
        }
        if (count < 1 || period.isZero()) {
            throw new IllegalArgumentException(EXPECTED);
        }
        return new RateLimit(count, period);
    }

    public long count() {
        return count;
    }

    public Duration period() {
        return period;
    }

    @Override
    public String toString() {
        return count + "/" + Durations.format(period);
    }
}
