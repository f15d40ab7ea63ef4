package io.tokenguard.agent.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The short table printed at JVM exit: per endpoint and HTTP client, what the app asked for against
 * what reached the provider, the busiest minute and the provider's latency. Read from the meter
 * registry, the single source of the numbers.
 */
public final class ExitSummary {
    static final String[] OUTCOMES = {"upstream", "delayed", "cache", "coalesced", "throttled", "cooldown",
        "passthrough", "error", "would_cache", "would_coalesce", "would_throttle"};
    /** Column titles for the outcomes above; "sent" = requests answered by their own upstream call. */
    static final String[] TITLES = {"sent", "delayed", "cache", "coalesced", "throttled", "cooldown",
        "passthru", "error", "w_cache", "w_coalesce", "w_throttle"};
    private static final int COLUMNS = OUTCOMES.length + 3;

    private ExitSummary() {
    }

    public static List<String> lines(MeterRegistry registry, String mode) {
        Map<String, ClientRow> rows = clientRows(registry);
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

    private static void table(Map<String, ClientRow> rows, String mode, List<String> lines) {
        lines.add("tokenguard: summary (mode " + mode + "): app requests vs calls that reached the identity provider");
        StringBuilder header = new StringBuilder(String.format("%-14s %-13s %9s %9s", "endpoint", "client",
                "requests", "upstream"));
        for (String title : TITLES) {
            header.append(' ').append(String.format("%9s", title));
        }
        lines.add(header.append(String.format(" %10s %8s %8s %8s", "violations", "max/min", "p50_ms", "p99_ms"))
                .toString());
        for (ClientRow r : rows.values()) {
            StringBuilder line = new StringBuilder(String.format("%-14s %-13s", r.endpoint, r.client));
            for (int i = 0; i < r.counts.length; i++) {
                line.append(' ').append(String.format(i == r.counts.length - 1 ? "%10d" : "%9d", r.counts[i]));
            }
            line.append(String.format(" %8d %8s %8s", r.peakPerMinute, millis(r.p50Millis), millis(r.p99Millis)));
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

    private static String millis(double ms) {
        return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, "%.1f", ms);
    }

    /**
     * Per endpoint, in name order: [requests, upstream calls, one count per {@link #OUTCOMES},
     * violations].
     */
    static Map<String, long[]> rows(MeterRegistry registry) {
        Map<String, long[]> rows = new TreeMap<>();
        for (Counter c : registry.find("tokenguard.requests").counters()) {
            addRequests(rows.computeIfAbsent(c.getId().getTag("endpoint"), k -> new long[COLUMNS]), c);
        }
        for (Timer t : registry.find("tokenguard.upstream.duration").timers()) {
            rows.computeIfAbsent(t.getId().getTag("endpoint"), k -> new long[COLUMNS])[1] += t.count();
        }
        for (Counter c : registry.find("tokenguard.violations").counters()) {
            rows.computeIfAbsent(c.getId().getTag("endpoint"), k -> new long[COLUMNS])[COLUMNS - 1] += (long) c.count();
        }
        return rows;
    }

    /** Per endpoint and HTTP client, in name order. */
    static Map<String, ClientRow> clientRows(MeterRegistry registry) {
        Map<String, ClientRow> rows = new TreeMap<>();
        for (Counter c : registry.find("tokenguard.requests").counters()) {
            addRequests(row(rows, c.getId().getTag("endpoint"), c.getId().getTag("client")).counts, c);
        }
        for (Timer t : registry.find(GuardMeters.SUMMARY_UPSTREAM).timers()) {
            ClientRow r = row(rows, t.getId().getTag("endpoint"), t.getId().getTag("client"));
            r.counts[1] += t.count();
            for (ValueAtPercentile p : t.takeSnapshot().percentileValues()) {
                if (p.percentile() == 0.5) {
                    r.p50Millis = p.value(TimeUnit.MILLISECONDS);
                } else if (p.percentile() == 0.99) {
                    r.p99Millis = p.value(TimeUnit.MILLISECONDS);
                }
            }
        }
        for (Gauge g : registry.find(GuardMeters.SUMMARY_PEAK).gauges()) {
            ClientRow r = row(rows, g.getId().getTag("endpoint"), g.getId().getTag("client"));
            r.peakPerMinute = Math.max(r.peakPerMinute, (long) g.value());
        }
        for (Counter c : registry.find("tokenguard.violations").counters()) {
            row(rows, c.getId().getTag("endpoint"), c.getId().getTag("client")).counts[COLUMNS - 1] += (long) c.count();
        }
        return rows;
    }

    private static ClientRow row(Map<String, ClientRow> rows, String endpoint, String client) {
        String c = client == null ? "unknown" : client;
        return rows.computeIfAbsent(endpoint + '\u0000' + c, k -> new ClientRow(endpoint, c));
    }

    private static void addRequests(long[] row, Counter c) {
        long n = (long) c.count();
        row[0] += n;
        String outcome = c.getId().getTag("outcome");
        for (int i = 0; i < OUTCOMES.length; i++) {
            if (OUTCOMES[i].equals(outcome)) {
                row[i + 2] += n;
            }
        }
    }

    /** One endpoint and HTTP client: counts as in {@link #rows}, the busiest minute, latency percentiles. */
    static final class ClientRow {
        final String endpoint;
        final String client;
        final long[] counts = new long[COLUMNS];
        long peakPerMinute;
        double p50Millis = Double.NaN;
        double p99Millis = Double.NaN;

        ClientRow(String endpoint, String client) {
            this.endpoint = endpoint;
            this.client = client;
        }
    }
}
