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
 * Per-identity token buckets (Bucket4j) counting what is sent upstream. Buckets are kept in a
 * bounded cache and dropped once idle for longer than their period: an idle bucket is full anyway.
 */
final class Throttle {
    private final GuardClock clock;
    private final Cache<String, Bucket> buckets;

    Throttle(GuardClock clock, int maxIdentities) {
        this.clock = clock;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxIdentities)
                .expireAfterAccess(Duration.ofDays(1))
                .ticker(clock.ticker())
                .executor(Runnable::run)
                .build();
    }

    /*
     * Every method takes the keys of one request: usually one, several when a server could read the
     * user two ways. A permit is then taken from every one of them, or from none (the stricter reading).
     */

    /** Takes one permit now from each key's bucket if each has one; otherwise says how long until the next. */
    Permit tryAcquire(EndpointRule rule, List<String> keys) {
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

    /** Waits up to maxWait for a permit from each key's bucket; true if all were taken (else none is kept). */
    boolean acquireWithin(EndpointRule rule, List<String> keys, long maxWaitNanos) throws InterruptedException {
        long deadline = clock.nanoTime() + maxWaitNanos;
        for (int i = 0; i < keys.size(); i++) {
            long left = Math.max(0, deadline - clock.nanoTime());
            if (!bucket(rule, keys.get(i)).asBlocking().tryConsume(1, left, clock.blockingStrategy())) {
                refund(rule, keys.subList(0, i));
                return false;
            }
        }
        return true;
    }

    /** {@link #acquireWithin}, waiting out an interrupt (and leaving the flag set) like a JDK socket read. */
    boolean acquireWithinUninterruptibly(EndpointRule rule, List<String> keys, long maxWaitNanos) {
        long deadline = clock.nanoTime() + maxWaitNanos;
        for (int i = 0; i < keys.size(); i++) {
            long left = Math.max(0, deadline - clock.nanoTime());
            if (!bucket(rule, keys.get(i)).asBlocking().tryConsumeUninterruptibly(1, left,
                    clock.uninterruptibleBlockingStrategy())) {
                refund(rule, keys.subList(0, i));
                return false;
            }
        }
        return true;
    }

    /** Takes the permits within maxWait without blocking: the future completes when they are taken (or not). */
    CompletableFuture<Boolean> acquireLater(EndpointRule rule, List<String> keys, long maxWaitNanos,
                                            ScheduledExecutorService scheduler) {
        return acquireLater(rule, keys, 0, clock.nanoTime() + maxWaitNanos, scheduler);
    }

    private CompletableFuture<Boolean> acquireLater(EndpointRule rule, List<String> keys, int next, long deadline,
                                                    ScheduledExecutorService scheduler) {
        if (next == keys.size()) {
            return CompletableFuture.completedFuture(true);
        }
        long left = Math.max(0, deadline - clock.nanoTime());
        return bucket(rule, keys.get(next)).asScheduler().tryConsume(1, left, scheduler).thenCompose(ok -> {
            if (!ok) {
                refund(rule, keys.subList(0, next));
                return CompletableFuture.completedFuture(false);
            }
            return acquireLater(rule, keys, next + 1, deadline, scheduler);
        });
    }

    /** Gives back permits that were taken for a call that then was not sent (the guardrail answered it). */
    void refund(EndpointRule rule, List<String> keys) {
        for (String key : keys) {
            bucket(rule, key).addTokens(1);
        }
    }

    long size() {
        return buckets.estimatedSize();
    }

    void cleanUp() {
        buckets.cleanUp();
    }

    private Bucket bucket(EndpointRule rule, String throttleKey) {
        RateLimit limit = rule.limit();
        return buckets.get(throttleKey, k -> Bucket.builder()
                .addLimit(b -> b.capacity(limit.count()).refillIntervally(limit.count(), limit.period()))
                .withCustomTimePrecision(clock.timeMeter())
                .build());
    }

    static final class Permit {
        static final Permit GRANTED = new Permit(true, 0);
        private final boolean granted;
        private final long waitNanos;

        private Permit(boolean granted, long waitNanos) {
            this.granted = granted;
            this.waitNanos = waitNanos;
        }

        static Permit deniedFor(long waitNanos) {
            return new Permit(false, waitNanos);
        }

        boolean granted() {
            return granted;
        }

        long waitNanos() {
            return waitNanos;
        }
    }
}
