package io.tokenguard.it;

import java.util.HashMap;
import java.util.Map;

/**
 * One row of the agent's exit summary table on stderr (per endpoint and HTTP client), by column
 * title: the first row of the endpoint, or of the endpoint and client.
 */
public final class SummaryRow {
    private final Map<String, String> values;

    private SummaryRow(Map<String, String> values) {
        this.values = values;
    }

    public static SummaryRow from(String stderr, String endpoint) {
        return from(stderr, endpoint, null);
    }

    static SummaryRow from(String stderr, String endpoint, String client) {
        String[] titles = null;
        for (String line : stderr.split("\\R")) {
            String[] cells = line.trim().split("\\s+");
            if (cells.length > 2 && cells[0].equals("endpoint") && cells[1].equals("client")) {
                titles = cells;
            } else if (titles != null && cells.length == titles.length && cells[0].equals(endpoint)
                    && (client == null || cells[1].equals(client))) {
                Map<String, String> values = new HashMap<>();
                for (int i = 1; i < cells.length; i++) {
                    values.put(titles[i], cells[i]);
                }
                return new SummaryRow(values);
            }
        }
        throw new AssertionError("no exit summary row for " + endpoint + (client == null ? "" : "/" + client)
                + " in stderr:\n" + stderr);
    }

    /** A count column: requests, upstream, sent, delayed, cache, coalesced, throttled, cooldown, w_cache, max/min... */
    public long get(String column) {
        return Long.parseLong(text(column));
    }

    /** Any column as printed: client, p50_ms, p99_ms ("-" when nothing reached the provider). */
    public String text(String column) {
        String v = values.get(column);
        if (v == null) {
            throw new AssertionError("no column " + column + " in " + values);
        }
        return v;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
