package io.tokenguard.agent.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.RateLimit;
import java.time.Duration;
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

    /** Takes one permit now if there is one; otherwise says how long until the next. */
    Permit tryAcquire(EndpointRule rule, String throttleKey) {
        ConsumptionProbe probe = bucket(rule, throttleKey).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Permit.GRANTED : Permit.deniedFor(probe.getNanosToWaitForRefill());
    }

    /** Waits up to maxWait for a permit; true if one was taken. */
    boolean acquireWithin(EndpointRule rule, String throttleKey, long maxWaitNanos) throws InterruptedException {
        return bucket(rule, throttleKey).asBlocking().tryConsume(1, maxWaitNanos, clock.blockingStrategy());
    }

    /** {@link #acquireWithin}, waiting out an interrupt (and leaving the flag set) like a JDK socket read. */
    boolean acquireWithinUninterruptibly(EndpointRule rule, String throttleKey, long maxWaitNanos) {
        return bucket(rule, throttleKey).asBlocking().tryConsumeUninterruptibly(1, maxWaitNanos,
                clock.uninterruptibleBlockingStrategy());
    }

    /** Takes a permit within maxWait without blocking: the future completes when it is taken (or not). */
    CompletableFuture<Boolean> acquireLater(EndpointRule rule, String throttleKey, long maxWaitNanos,
                                            ScheduledExecutorService scheduler) {
        return bucket(rule, throttleKey).asScheduler().tryConsume(1, maxWaitNanos, scheduler);
    }

    /** Gives back a permit that was taken for a call that then was not sent (the guardrail answered it). */
    void refund(EndpointRule rule, String throttleKey) {
        bucket(rule, throttleKey).addTokens(1);
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
