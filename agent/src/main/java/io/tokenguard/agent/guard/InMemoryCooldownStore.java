package io.tokenguard.agent.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The cooldown store of one JVM: a bounded Caffeine cache, each entry expiring when its back-off ends. */
final class InMemoryCooldownStore implements CooldownStore {
    private static final CompletableFuture<Cooldown> NONE = CompletableFuture.completedFuture(null);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private final GuardClock clock;
    private final Cache<String, Cooldown> active;

    InMemoryCooldownStore(GuardClock clock, int maxIdentities) {
        this.clock = clock;
        this.active = Caffeine.newBuilder()
                .maximumSize(maxIdentities)
                .expireAfter(Expiry.creating((String key, Cooldown c) -> Duration.ofNanos(
                        Math.max(1, c.remainingNanos(clock.nanoTime())))))
                .ticker(clock.ticker())
                .executor(Runnable::run)
                .build();
    }

    @Override
    public CompletableFuture<Void> start(List<String> keys, String kind, TokenHttpResponse providerAnswer,
                                         long durationNanos) {
        Cooldown c = new Cooldown(kind, providerAnswer, clock.nanoTime() + durationNanos);
        for (String key : keys) {
            active.put(key, c);
        }
        return DONE;
    }

    @Override
    public CompletableFuture<Cooldown> current(List<String> keys) {
        long now = clock.nanoTime();
        for (String key : keys) {
            Cooldown c = active.getIfPresent(key);
            if (c != null && c.remainingNanos(now) > 0) {
                return CompletableFuture.completedFuture(c);
            }
        }
        return NONE;
    }
}
