package io.tokenguard.agent.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * The answer store of one JVM: a bounded Caffeine cache whose entries expire with their TTL. It
 * holds completed futures, so a hit hands out the one stored and allocates nothing, as the token
 * cache did before the seam.
 */
final class InMemoryAnswerStore implements AnswerStore {
    private static final CompletableFuture<Outcome> ABSENT = CompletableFuture.completedFuture(null);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private final Cache<String, CompletableFuture<Outcome>> settled;
    private final LongAdder evictions = new LongAdder();

    InMemoryAnswerStore(GuardClock clock, int maxEntries) {
        this.settled = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(new Expiry<String, CompletableFuture<Outcome>>() {
                    @Override
                    public long expireAfterCreate(String key, CompletableFuture<Outcome> value, long currentTime) {
                        return value.join().ttlNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, CompletableFuture<Outcome> value, long currentTime,
                                                  long currentDuration) {
                        return value.join().ttlNanos();
                    }

                    @Override
                    public long expireAfterRead(String key, CompletableFuture<Outcome> value, long currentTime,
                                                long currentDuration) {
                        return currentDuration;
                    }
                })
                .ticker(clock.ticker())
                // Maintenance on the calling thread: no pool threads of ours inside the host app.
                .executor(Runnable::run)
                // Expired or evicted for room (not replaced): what the eviction meter counts.
                .evictionListener((key, value, cause) -> evictions.increment())
                .build();
    }

    @Override
    public CompletableFuture<Outcome> get(String fingerprint) {
        CompletableFuture<Outcome> f = settled.getIfPresent(fingerprint);
        return f != null ? f : ABSENT;
    }

    @Override
    public CompletableFuture<Void> put(String fingerprint, Outcome outcome) {
        settled.put(fingerprint, CompletableFuture.completedFuture(outcome));
        return DONE;
    }

    @Override
    public long size() {
        return settled.estimatedSize();
    }

    @Override
    public long evictions() {
        return evictions.sum();
    }

    @Override
    public void cleanUp() {
        settled.cleanUp();
    }
}
