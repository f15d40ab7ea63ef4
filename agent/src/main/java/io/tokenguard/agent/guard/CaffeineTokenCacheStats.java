package io.tokenguard.agent.guard;

import com.github.benmanes.caffeine.cache.AsyncCache;

/** The statistics of the token cache as Caffeine records them. */
final class CaffeineTokenCacheStats implements TokenCacheStats {
    private final AsyncCache<?, ?> cache;

    CaffeineTokenCacheStats(AsyncCache<?, ?> cache) {
        this.cache = cache;
    }

    @Override
    public long size() {
        return cache.synchronous().estimatedSize();
    }

    @Override
    public long hits() {
        return cache.synchronous().stats().hitCount();
    }

    @Override
    public long misses() {
        return cache.synchronous().stats().missCount();
    }

    @Override
    public long puts() {
        return cache.synchronous().stats().loadCount();
    }

    @Override
    public long evictions() {
        return cache.synchronous().stats().evictionCount();
    }
}
