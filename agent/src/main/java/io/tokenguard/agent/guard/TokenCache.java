package io.tokenguard.agent.guard;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.util.concurrent.CompletableFuture;

/**
 * Answers by request fingerprint, as futures: an entry is first the in-flight request (followers
 * join it: single flight), then its settled outcome for as long as that outcome's TTL says (zero
 * for anything not cacheable, so errors are shared only with requests that were already waiting).
 */
final class TokenCache {
    private final AsyncCache<String, Outcome> cache;

    TokenCache(GuardClock clock, int maxEntries) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(new Expiry<String, Outcome>() {
                    @Override
                    public long expireAfterCreate(String key, Outcome value, long currentTime) {
                        return value.ttlNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Outcome value, long currentTime, long currentDuration) {
                        return value.ttlNanos();
                    }

                    @Override
                    public long expireAfterRead(String key, Outcome value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .ticker(clock.ticker())
                // Maintenance on the calling thread: no pool threads of ours inside the host app.
                .executor(Runnable::run)
                // Hit, miss, load and eviction counts for the token-cache meters (a hit: cached or in flight).
                .recordStats()
                .buildAsync();
    }

    /**
     * Joins the entry for this fingerprint, or registers {@code leader} as the in-flight one.
     * The caller is the leader exactly when the returned future is {@code leader}.
     */
    CompletableFuture<Outcome> join(String fingerprint, CompletableFuture<Outcome> leader) {
        return cache.get(fingerprint, (key, executor) -> leader);
    }

    /** Size, hits, misses, loads and evictions, as Caffeine counts them. */
    TokenCacheStats stats() {
        return new CaffeineTokenCacheStats(cache);
    }

    long size() {
        return cache.synchronous().estimatedSize();
    }

    /** Runs pending maintenance (evictions) now rather than as part of a later call. */
    void cleanUp() {
        cache.synchronous().cleanUp();
    }
}
