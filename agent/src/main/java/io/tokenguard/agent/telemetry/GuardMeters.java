package io.tokenguard.agent.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tokenguard.agent.guard.TokenCacheStats;
import io.tokenguard.agent.guard.Violation;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters the guard's notifications become. Exported meters go to the composite registry; two
 * summary-only meters per endpoint and HTTP client (latency percentiles over the whole run, the
 * highest upstream rate per minute) go to the in-process registry alone, for the exit summary.
 */
final class GuardMeters {
    static final String CACHE_NAME = "tokens";
    /** Summary only: upstream latency per endpoint and client, percentiles over the whole run. */
    static final String SUMMARY_UPSTREAM = "tokenguard.summary.upstream";
    /** Summary only: the most upstream calls seen in any trailing minute, per endpoint and client. */
    static final String SUMMARY_PEAK = "tokenguard.summary.upstream.peak";

    /** Prometheus's HELP line: promtool and Grafana reject or hide meters without one. */
    private static final String REQUESTS_HELP = "Token requests the app made, by endpoint, grant, HTTP client and"
            + " outcome (upstream: sent to the provider; cache, coalesced: answered without a call; throttled,"
            + " delayed, cooldown: held back by a limit; would_*: what enforce mode would have done)";

    private final MeterRegistry registry;
    private final MeterRegistry summary;
    private final boolean userTag;
    private final ConcurrentMap<String, AtomicLong> peaks = new ConcurrentHashMap<>();
    /**
     * tokenguard.requests counters by their tags: the registry's own lookup (sorting tags, building
     * an id, running the filters) cost more than the rest of a cache hit. A composite's counter
     * stays valid as exporters come and go. Bounded, as the user tag can take many values.
     */
    private final ConcurrentMap<RequestTags, Counter> requestCounters = new ConcurrentHashMap<>();
    private static final int MAX_REMEMBERED_COUNTERS = 4096;

    GuardMeters(MeterRegistry registry, MeterRegistry summary, boolean userTag, int maxTagValues) {
        this.registry = registry;
        this.summary = summary;
        this.userTag = userTag;
        registry.config().meterFilter(new TagLimiter(maxTagValues));
    }

    void request(String endpoint, String grant, String httpClient, String subjectHash, String outcome) {
        String user = userTag ? subjectHash : null;
        RequestTags key = new RequestTags(endpoint, grant, httpClient, user, outcome);
        Counter counter = requestCounters.get(key);
        if (counter == null) {
            Tags tags = Tags.of("endpoint", endpoint, "grant", grant, "client", httpClient, "outcome", outcome);
            counter = Counter.builder("tokenguard.requests").tags(user != null ? tags.and("user", user) : tags)
                    .description(REQUESTS_HELP).register(registry);
            if (requestCounters.size() < MAX_REMEMBERED_COUNTERS) {
                requestCounters.putIfAbsent(key, counter);
            }
        }
        counter.increment();
    }

    /**
     * tokenguard.build.info, always 1: which version runs in which mode, so a dashboard can say so and
     * an alert can tell "no violations" from "no agent".
     */
    void buildInfo(String version, String mode) {
        Gauge.builder("tokenguard.build.info", () -> 1).tags("version", version, "mode", mode)
                .description("TokenGuard's version and mode (enforce or observe); always 1")
                .strongReference(true).register(registry);
    }

    void upstream(String endpoint, String httpClient, int status, long durationNanos, long upstreamLastMinute) {
        Timer.builder("tokenguard.upstream.duration")
                .tags("endpoint", endpoint, "status", Integer.toString(status))
                .publishPercentileHistogram()
                .description("Token requests that reached the provider, by endpoint and HTTP status, and how long"
                        + " the provider took")
                .register(registry)
                .record(durationNanos, TimeUnit.NANOSECONDS);
        Timer.builder(SUMMARY_UPSTREAM)
                .tags("endpoint", endpoint, "client", httpClient)
                .publishPercentiles(0.5, 0.99)
                .percentilePrecision(2)
                // Over the whole run, not the last few minutes: the summary is read once, at exit.
                .distributionStatisticExpiry(Duration.ofDays(3650))
                .distributionStatisticBufferLength(1)
                .register(summary)
                .record(durationNanos, TimeUnit.NANOSECONDS);
        if (upstreamLastMinute > 0) {
            peak(endpoint, httpClient).accumulateAndGet(upstreamLastMinute, Math::max);
        }
    }

    void violation(Violation v) {
        Tags tags = Tags.of("endpoint", v.endpoint(), "client", v.httpClient(), "kind", v.kind(), "action", v.action());
        Counter.builder("tokenguard.violations").tags(userTag ? tags.and("user", v.subjectHash()) : tags)
                .description("Token requests that broke a rule (kind) and what TokenGuard did with them (action);"
                        + " in observe mode the action is observed")
                .register(registry).increment();
    }

    void throttleDelay(String endpoint, String httpClient, long waitedNanos, boolean granted) {
        Timer.builder("tokenguard.throttle.delay")
                .tags("endpoint", endpoint, "client", httpClient, "outcome", granted ? "delayed" : "throttled")
                .description("Time token requests waited for the per-user limit: then sent (delayed) or refused"
                        + " (throttled)")
                .register(registry)
                .record(waitedNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Size, hits, misses, puts and evictions of the token cache, from whatever store holds it.
     * Names, tags, types and descriptions are those Micrometer's CaffeineCacheMetrics gave when it
     * read the Caffeine cache directly (cache.* renamed tokenguard.cache.*), so dashboards keep
     * working; each answer weighs one.
     */
    void tokenCache(TokenCacheStats stats) {
        Tags tags = Tags.of("cache", CACHE_NAME);
        Gauge.builder("tokenguard.cache.size", stats, TokenCacheStats::size).tags(tags)
                .description("The number of entries in this cache. This may be an approximation, depending on the "
                        + "type of cache.")
                .register(registry);
        String gets = "The number of times cache lookup methods have returned a cached (hit) or uncached (newly "
                + "loaded or null) value (miss).";
        FunctionCounter.builder("tokenguard.cache.gets", stats, TokenCacheStats::misses).tags(tags)
                .tag("result", "miss").description(gets).register(registry);
        FunctionCounter.builder("tokenguard.cache.gets", stats, TokenCacheStats::hits).tags(tags)
                .tag("result", "hit").description(gets).register(registry);
        FunctionCounter.builder("tokenguard.cache.puts", stats, TokenCacheStats::puts).tags(tags)
                .description("The number of entries added to the cache").register(registry);
        FunctionCounter.builder("tokenguard.cache.evictions", stats, TokenCacheStats::evictions).tags(tags)
                .description("The number of times the cache was evicted.").register(registry);
        FunctionCounter.builder("tokenguard.cache.eviction.weight", stats, TokenCacheStats::evictions).tags(tags)
                .description("The sum of weights of evicted entries. This total does not include manual invalidations.")
                .register(registry);
    }

    private AtomicLong peak(String endpoint, String httpClient) {
        return peaks.computeIfAbsent(endpoint + '\u0000' + httpClient, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(SUMMARY_PEAK, value, AtomicLong::get).tags("endpoint", endpoint, "client", httpClient)
                    .strongReference(true).register(summary);
            return value;
        });
    }

    /** The tag values of one tokenguard.requests counter (user null when the user tag is off). */
    private static final class RequestTags {
        private final String endpoint;
        private final String grant;
        private final String httpClient;
        private final String user;
        private final String outcome;

        RequestTags(String endpoint, String grant, String httpClient, String user, String outcome) {
            this.endpoint = endpoint;
            this.grant = grant;
            this.httpClient = httpClient;
            this.user = user;
            this.outcome = outcome;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof RequestTags)) {
                return false;
            }
            RequestTags t = (RequestTags) o;
            return endpoint.equals(t.endpoint) && grant.equals(t.grant) && httpClient.equals(t.httpClient)
                    && Objects.equals(user, t.user) && outcome.equals(t.outcome);
        }

        @Override
        public int hashCode() {
            int h = endpoint.hashCode();
            h = 31 * h + grant.hashCode();
            h = 31 * h + httpClient.hashCode();
            h = 31 * h + Objects.hashCode(user);
            return 31 * h + outcome.hashCode();
        }
    }
}
