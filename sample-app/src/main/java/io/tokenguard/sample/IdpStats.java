package io.tokenguard.sample;

import io.tokenguard.sample.json.JsonParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Token calls the IdP counted per provider and identity, read from its {@code /admin/stats} JSON. */
final class IdpStats {
    private final Supplier<String> source;

    private IdpStats(Supplier<String> source) {
        this.source = source;
    }

    static IdpStats of(Supplier<String> statsJson) {
        return new IdpStats(statsJson);
    }

    /** Over HTTP, for an IdP in another process; unknown (null snapshots) when unreachable. */
    static IdpStats remote(String baseUrl) {
        return new IdpStats(() -> {
            try {
                HttpCall.Response r = HttpCall.get(baseUrl + "/admin/stats", Map.of());
                return r.status == 200 ? r.body : null;
            } catch (IOException e) {
                return null;
            }
        });
    }

    /** Counts keyed by {@code provider/identity}, or null when the IdP cannot tell. */
    Map<String, Integer> snapshot() {
        String json = source.get();
        if (json == null) {
            return null;
        }
        try {
            Map<String, Integer> counts = new HashMap<>();
            Map<?, ?> providers = (Map<?, ?>) ((Map<?, ?>) JsonParser.parse(json)).get("providers");
            for (Map.Entry<?, ?> p : providers.entrySet()) {
                Map<?, ?> identities = (Map<?, ?>) ((Map<?, ?>) p.getValue()).get("identities");
                for (Map.Entry<?, ?> i : identities.entrySet()) {
                    counts.put(key((String) p.getKey(), (String) i.getKey()), ((Number) i.getValue()).intValue());
                }
            }
            return counts;
        } catch (RuntimeException e) {
            // Some other server answered /admin/stats; its numbers are simply unknown.
            return null;
        }
    }

    /** Fills {@code idpCalls} of every row with the difference between two snapshots. */
    static void apply(Tally tally, Map<String, Integer> before, Map<String, Integer> after) {
        for (Row r : tally.rows()) {
            if (before == null || after == null) {
                r.idpCalls(-1);
            } else {
                String k = key(r.provider, AppOptions.userName(r.identity));
                r.idpCalls(after.getOrDefault(k, 0) - before.getOrDefault(k, 0));
            }
        }
    }

    private static String key(String provider, String identity) {
        return provider + "/" + identity;
    }
}
