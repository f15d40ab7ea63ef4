package io.tokenguard.it;

import java.util.HashMap;
import java.util.Map;

/** One endpoint's row of the agent's exit summary table on stderr, by column title. */
public final class SummaryRow {
    private final Map<String, Long> values;

    private SummaryRow(Map<String, Long> values) {
        this.values = values;
    }

    static SummaryRow from(String stderr, String endpoint) {
        String[] titles = null;
        for (String line : stderr.split("\\R")) {
            String[] cells = line.trim().split("\\s+");
            if (cells.length > 2 && cells[0].equals("endpoint") && cells[1].equals("requests")) {
                titles = cells;
            } else if (titles != null && cells.length == titles.length && cells[0].equals(endpoint)) {
                Map<String, Long> values = new HashMap<>();
                for (int i = 1; i < cells.length; i++) {
                    values.put(titles[i], Long.parseLong(cells[i]));
                }
                return new SummaryRow(values);
            }
        }
        throw new AssertionError("no exit summary row for " + endpoint + " in stderr:\n" + stderr);
    }

    /** A column: requests, upstream, sent, delayed, cache, coalesced, throttled, cooldown, w_cache, ... */
    public long get(String column) {
        Long v = values.get(column);
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
