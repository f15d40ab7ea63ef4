package io.tokenguard.sample.idp;

import io.tokenguard.sample.json.Json;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** What reached the IdP: the numbers tests assert on to prove a guard actually saved calls. */
final class Counters {
    private static final String SEP = "\u0000";

    private final Map<String, AtomicInteger> tokenCalls = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> identityCalls = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private final AtomicInteger apiCalls = new AtomicInteger();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    /** Headers the sample app's own client interceptors add; counted per path when present. */
    static final String[] MARKER_HEADERS = {"X-Sample-Interceptor", "X-Sample-Network"};

    /** Every request that reached the server, per path, and per path and marker header. */
    void hit(IdpRequest request) {
        bump(hits, request.path());
        for (String marker : MARKER_HEADERS) {
            if (request.header(marker) != null) {
                bump(hits, request.path() + SEP + marker);
            }
        }
    }

    int hits(String path) {
        return get(hits, path);
    }

    int hitsWithHeader(String path, String header) {
        return get(hits, path + SEP + header);
    }

    void tokenCall(String provider, String identity) {
        bump(tokenCalls, provider);
        if (identity != null) {
            bump(identityCalls, provider + SEP + identity);
        }
    }

    void status(String provider, int status) {
        bump(statuses, provider + SEP + status);
    }

    void apiCall() {
        apiCalls.incrementAndGet();
    }

    int tokenCalls(String provider) {
        return get(tokenCalls, provider);
    }

    int tokenCalls(String provider, String identity) {
        return get(identityCalls, provider + SEP + identity);
    }

    int statusCount(String provider, int status) {
        return get(statuses, provider + SEP + status);
    }

    int apiCalls() {
        return apiCalls.get();
    }

    void reset() {
        tokenCalls.clear();
        identityCalls.clear();
        statuses.clear();
        apiCalls.set(0);
        hits.clear();
    }

    /**
     * {@code {"providers":{"eloqua":{"calls":3,"identities":{"alice":2},"statuses":{"200":1}}},"apiCalls":1}};
     * every provider always appears so readers need no null checks.
     */
    String toJson() {
        Map<String, Integer> calls = snapshot(tokenCalls);
        Map<String, Integer> byIdentity = snapshot(identityCalls);
        Map<String, Integer> byStatus = snapshot(statuses);
        StringBuilder b = new StringBuilder("{\"providers\":{");
        String[] providers = {"eloqua", "twitter", "google", "entra", "dpop"};
        for (int i = 0; i < providers.length; i++) {
            String p = providers[i];
            if (i > 0) {
                b.append(',');
            }
            b.append(Json.quote(p)).append(":{\"calls\":").append(calls.getOrDefault(p, 0));
            b.append(",\"identities\":");
            appendSection(b, byIdentity, p);
            b.append(",\"statuses\":");
            appendSection(b, byStatus, p);
            b.append('}');
        }
        return b.append("},\"apiCalls\":").append(apiCalls.get()).append('}').toString();
    }

    private static void appendSection(StringBuilder b, Map<String, Integer> all, String provider) {
        b.append('{');
        boolean first = true;
        for (Map.Entry<String, Integer> e : all.entrySet()) {
            if (!e.getKey().startsWith(provider + SEP)) {
                continue;
            }
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append(Json.quote(e.getKey().substring(provider.length() + 1))).append(':').append(e.getValue());
        }
        b.append('}');
    }

    private static Map<String, Integer> snapshot(Map<String, AtomicInteger> m) {
        Map<String, Integer> copy = new TreeMap<>();
        m.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    private static void bump(Map<String, AtomicInteger> m, String key) {
        m.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    private static int get(Map<String, AtomicInteger> m, String key) {
        AtomicInteger n = m.get(key);
        return n == null ? 0 : n.get();
    }
}
