package io.tokenguard.agent.catalog;

import java.time.Duration;

/** {@code <number><unit>} with ms, s, m, h, d; a bare number is seconds. */
public final class Durations {
    public static final String EXPECTED = "a duration like 500ms, 60s, 15m, 8h or 1d";

    private Durations() {
    }

    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        int split = 0;
        while (split < t.length() && (Character.isDigit(t.charAt(split)))) {
            split++;
        }
        if (split == 0) {
            throw new IllegalArgumentException(EXPECTED);
        }
        long n;
        try {
            n = Long.parseLong(t.substring(0, split));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(EXPECTED);
        }
        switch (t.substring(split)) {
            case "ms":
                return Duration.ofMillis(n);
            case "":
            case "s":
                return Duration.ofSeconds(n);
            case "m":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            case "d":
                return Duration.ofDays(n);
            default:
                throw new IllegalArgumentException(EXPECTED);
        }
    }

    /** Shortest exact text: 60s stays 60s, 3600s becomes 1h. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0 && ms >= 600_000L) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
