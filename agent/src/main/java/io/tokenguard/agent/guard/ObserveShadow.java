package io.tokenguard.agent.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Observe mode's memory of what enforce would hold: which fingerprints would be cached (no
 * response kept, only until when) and which are in flight right now.
 */
final class ObserveShadow {
    private final Cache<String, Long> fresh;
    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    ObserveShadow(GuardClock clock, int maxEntries) {
        this.fresh = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(Expiry.creating((String k, Long ttl) -> Duration.ofNanos(ttl)))
                .ticker(clock.ticker())
                .executor(Runnable::run)
                .build();
    }

    boolean wouldServeFromCache(String fingerprint) {
        return fresh.getIfPresent(fingerprint) != null;
    }

    boolean inFlight(String fingerprint) {
        AtomicInteger n = inFlight.get(fingerprint);
        return n != null && n.get() > 0;
    }

    void begin(String fingerprint) {
        inFlight.computeIfAbsent(fingerprint, k -> new AtomicInteger()).incrementAndGet();
    }

    void end(String fingerprint) {
        inFlight.computeIfPresent(fingerprint, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    void remember(String fingerprint, long ttlNanos) {
        if (ttlNanos > 0) {
            fresh.put(fingerprint, ttlNanos);
        }
    }
}
