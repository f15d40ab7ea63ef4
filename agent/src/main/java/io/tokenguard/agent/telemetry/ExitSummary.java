package io.tokenguard.agent.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The short table printed at JVM exit: per endpoint, what the app asked for against what reached
 * the provider. Read from the meter registry, the single source of the numbers.
 */
public final class ExitSummary {
    static final String[] OUTCOMES = {"upstream", "delayed", "cache", "coalesced", "throttled", "cooldown",
        "passthrough", "error", "would_cache", "would_coalesce", "would_throttle"};
    /** Column titles for the outcomes above; "sent" = requests answered by their own upstream call. */
    static final String[] TITLES = {"sent", "delayed", "cache", "coalesced", "throttled", "cooldown",
        "passthru", "error", "w_cache", "w_coalesce", "w_throttle"};

    private ExitSummary() {
    }

    public static List<String> lines(MeterRegistry registry, String mode) {
        Map<String, long[]> rows = rows(registry);
        List<String> lines = new ArrayList<>();
        if (!rows.isEmpty()) {
            table(rows, mode, lines);
        }
        Map<String, Long> faults = agentErrors(registry);
        if (!faults.isEmpty()) {
            StringBuilder line = new StringBuilder("tokenguard: internal faults (tokenguard.agent.errors; those requests"
                    + " went through untouched):");
            faults.forEach((stage, n) -> line.append(' ').append(stage).append(" x").append(n));
            lines.add(line.toString());
        }
        return lines;
    }

    private static void table(Map<String, long[]> rows, String mode, List<String> lines) {
        lines.add("tokenguard: summary (mode " + mode + "): app requests vs calls that reached the identity provider");
        StringBuilder header = new StringBuilder(String.format("%-14s %9s %9s", "endpoint", "requests", "upstream"));
        for (String title : TITLES) {
            header.append(' ').append(String.format("%9s", title));
        }
        lines.add(header.append(String.format(" %10s", "violations")).toString());
        for (Map.Entry<String, long[]> e : rows.entrySet()) {
            StringBuilder line = new StringBuilder(String.format("%-14s", e.getKey()));
            long[] row = e.getValue();
            for (int i = 0; i < row.length; i++) {
                line.append(' ').append(String.format(i == row.length - 1 ? "%10d" : "%9d", row[i]));
            }
            lines.add(line.toString());
        }
    }

    /** Swallowed internal faults by stage, in name order (only stages that had any). */
    static Map<String, Long> agentErrors(MeterRegistry registry) {
        Map<String, Long> faults = new TreeMap<>();
        for (Counter c : registry.find("tokenguard.agent.errors").counters()) {
            long n = (long) c.count();
            if (n > 0) {
                faults.merge(c.getId().getTag("stage"), n, Long::sum);
            }
        }
        return faults;
    }

    /**
     * Per endpoint, in name order: [requests, upstream calls, one count per {@link #OUTCOMES},
     * violations].
     */
    static Map<String, long[]> rows(MeterRegistry registry) {
        Map<String, long[]> rows = new TreeMap<>();
        int columns = OUTCOMES.length + 3;
        for (Counter c : registry.find("tokenguard.requests").counters()) {
            long[] row = rows.computeIfAbsent(c.getId().getTag("endpoint"), k -> new long[columns]);
            long n = (long) c.count();
            row[0] += n;
            String outcome = c.getId().getTag("outcome");
            for (int i = 0; i < OUTCOMES.length; i++) {
                if (OUTCOMES[i].equals(outcome)) {
                    row[i + 2] += n;
                }
            }
        }
        for (Timer t : registry.find("tokenguard.upstream.duration").timers()) {
            rows.computeIfAbsent(t.getId().getTag("endpoint"), k -> new long[columns])[1] += t.count();
        }
        for (Counter c : registry.find("tokenguard.violations").counters()) {
            rows.computeIfAbsent(c.getId().getTag("endpoint"), k -> new long[columns])[columns - 1] += (long) c.count();
        }
        return rows;
    }
}
