package io.tokenguard.agent.guard;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.RateLimit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Permits from Bucket4j token buckets, one per key and rule, wherever the buckets live: all or none
 * of a request's keys, blocking and scheduled waits on the bucket's own schedule. A subclass says
 * where a bucket is ({@link InMemoryPermitStore}: this JVM; {@link FleetPermitStore}: Redis); both
 * build it from {@link #configuration}, so a limit means the same in one JVM and in a fleet.
 */
abstract class BucketPermitStore implements PermitStore {
    private static final CompletableFuture<Permit> GRANTED = CompletableFuture.completedFuture(Permit.GRANTED);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    final GuardClock clock;

    BucketPermitStore(GuardClock clock) {
        this.clock = clock;
    }

    /** The bucket model of a limit: its count at once, refilled whole every period. */
    static BucketConfiguration configuration(RateLimit limit) {
        return BucketConfiguration.builder()
                .addLimit(b -> b.capacity(limit.count()).refillIntervally(limit.count(), limit.period()))
                .build();
    }

    /** The bucket of this identity and rule. */
    abstract Bucket bucket(EndpointRule rule, String throttleKey);

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

}
