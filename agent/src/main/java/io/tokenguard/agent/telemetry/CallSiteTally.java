package io.tokenguard.agent.telemetry;

import io.tokenguard.agent.guard.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Violations counted per endpoint and app call site, for the reports' "top call sites": what tells a team
 * which code to fix. Bounded: past {@link #MAX_SITES} distinct (endpoint, site) pairs, new sites count as
 * "(other)" of their endpoint, so a hostile or generated code base cannot grow it without end. Not a
 * meter: a call site is no metric label (unbounded cardinality in a time-series database).
 */
public final class CallSiteTally {
    static final int MAX_SITES = 256;
    static final String OTHER = "(other)";

    /** One call site's count. */
    public static final class Site {
        public final String callSite;
        public final long violations;

        Site(String callSite, long violations) {
            this.callSite = callSite;
            this.violations = violations;
        }
    }

    private final Map<String, Map<String, LongAdder>> byEndpoint = new ConcurrentHashMap<>();
    private final LongAdder sites = new LongAdder();

    void record(Violation v) {
        Map<String, LongAdder> endpoint = byEndpoint.computeIfAbsent(v.endpoint(), e -> new ConcurrentHashMap<>());
        LongAdder n = endpoint.get(v.callSite());
        if (n == null) {
            String site = sites.sum() >= MAX_SITES ? OTHER : v.callSite();
            n = endpoint.computeIfAbsent(site, s -> {
                sites.increment();
                return new LongAdder();
            });
        }
        n.increment();
    }

    /** The endpoint's call sites with the most violations, most first (ties by name), at most limit of them. */
    public List<Site> top(String endpoint, int limit) {
        Map<String, LongAdder> sitesOf = byEndpoint.get(endpoint);
        List<Site> all = new ArrayList<>();
        if (sitesOf != null) {
            sitesOf.forEach((site, n) -> all.add(new Site(site, n.sum())));
        }
        all.sort((a, b) -> a.violations != b.violations ? Long.compare(b.violations, a.violations)
                : a.callSite.compareTo(b.callSite));
        return all.size() > limit ? new ArrayList<>(all.subList(0, limit)) : all;
    }
}
