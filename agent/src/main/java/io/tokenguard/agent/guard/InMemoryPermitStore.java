package io.tokenguard.agent.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.RateLimit;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The permit store of one JVM: per-identity token buckets (Bucket4j) in a bounded cache, dropped
 * once idle for longer than a day: an idle bucket is full anyway. Look-ups complete at once.
 */
final class InMemoryPermitStore implements PermitStore {
    private static final CompletableFuture<Permit> GRANTED = CompletableFuture.completedFuture(Permit.GRANTED);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private final GuardClock clock;
    private final Cache<String, Bucket> buckets;

    InMemoryPermitStore(GuardClock clock, int maxIdentities) {
        this.clock = clock;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxIdentities)
                .expireAfterAccess(Duration.ofDays(1))
                .ticker(clock.ticker())
                .executor(Runnable::run)
                .build();
    }

    @Override
    public CompletableFuture<Permit> tryAcquire(EndpointRule rule, List<String> keys) {
        Permit permit = take(rule, keys);
        return permit.granted() ? GRANTED : CompletableFuture.completedFuture(permit);
    }

    private Permit take(EndpointRule rule, List<String> keys) {
        if (keys.size() == 1) {
            ConsumptionProbe probe = bucket(rule, keys.get(0)).tryConsumeAndReturnRemaining(1);
            return probe.isConsumed() ? Permit.GRANTED : Permit.deniedFor(probe.getNanosToWaitForRefill());
        }
        long wait = -1;
        boolean[] taken = new boolean[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            ConsumptionProbe probe = bucket(rule, keys.get(i)).tryConsumeAndReturnRemaining(1);
            taken[i] = probe.isConsumed();
            if (!taken[i]) {
                wait = Math.max(wait, probe.getNanosToWaitForRefill());
            }
        }
        if (wait < 0) {
            return Permit.GRANTED;
        }
        for (int i = 0; i < keys.size(); i++) {
            if (taken[i]) {
                bucket(rule, keys.get(i)).addTokens(1);
            }
        }
        return Permit.deniedFor(wait);
    }

    @Override
    public boolean acquireWithin(EndpointRule rule, List<String> keys, long maxWaitNanos) throws InterruptedException {
        long deadline = clock.nanoTime() + maxWaitNanos;
        for (int i = 0; i < keys.size(); i++) {
            long left = Math.max(0, deadline - clock.nanoTime());
            if (!bucket(rule, keys.get(i)).asBlocking().tryConsume(1, left, clock.blockingStrategy())) {
                giveBack(rule, keys.subList(0, i));
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean acquireWithinUninterruptibly(EndpointRule rule, List<String> keys, long maxWaitNanos) {
        long deadline = clock.nanoTime() + maxWaitNanos;
        for (int i = 0; i < keys.size(); i++) {
            long left = Math.max(0, deadline - clock.nanoTime());
            if (!bucket(rule, keys.get(i)).asBlocking().tryConsumeUninterruptibly(1, left,
                    clock.uninterruptibleBlockingStrategy())) {
                giveBack(rule, keys.subList(0, i));
                return false;
            }
        }
        return true;
    }

    @Override
    public CompletableFuture<Boolean> acquireLater(EndpointRule rule, List<String> keys, long maxWaitNanos,
                                                   ScheduledExecutorService timer) {
        return acquireLater(rule, keys, 0, clock.nanoTime() + maxWaitNanos, timer);
    }

    private CompletableFuture<Boolean> acquireLater(EndpointRule rule, List<String> keys, int next, long deadline,
                                                    ScheduledExecutorService scheduler) {
        if (next == keys.size()) {
            return CompletableFuture.completedFuture(true);
        }
        long left = Math.max(0, deadline - clock.nanoTime());
        return bucket(rule, keys.get(next)).asScheduler().tryConsume(1, left, scheduler).thenCompose(ok -> {
            if (!ok) {
                giveBack(rule, keys.subList(0, next));
                return CompletableFuture.completedFuture(false);
            }
            return acquireLater(rule, keys, next + 1, deadline, scheduler);
        });
    }

    @Override
    public CompletableFuture<Void> refund(EndpointRule rule, List<String> keys) {
        giveBack(rule, keys);
        return DONE;
    }

    private void giveBack(EndpointRule rule, List<String> keys) {
        for (String key : keys) {
            bucket(rule, key).addTokens(1);
        }
    }

    @Override
    public long size() {
        return buckets.estimatedSize();
    }

    @Override
    public void cleanUp() {
        buckets.cleanUp();
    }

    private Bucket bucket(EndpointRule rule, String throttleKey) {
        RateLimit limit = rule.limit();
        return buckets.get(throttleKey, k -> Bucket.builder()
                .addLimit(b -> b.capacity(limit.count()).refillIntervally(limit.count(), limit.period()))
                .withCustomTimePrecision(clock.timeMeter())
                .build());
    }
}
