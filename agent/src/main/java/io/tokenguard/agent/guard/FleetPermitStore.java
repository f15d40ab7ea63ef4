package io.tokenguard.agent.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.fleet.RedisLink;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Per-identity limits held fleet-wide: the same Bucket4j buckets as in one JVM
 * ({@link BucketPermitStore#configuration}), kept in Redis ({@link RedisBuckets}) under a hash of
 * (rule, limit, throttle key). A delay waits on the shared schedule: Bucket4j reserves the permit
 * in Redis (every JVM sees the reservation) and says how long to wait, then the request parks or
 * is scheduled like in one JVM. When Redis does not answer (the breaker is open, a call failed),
 * that request is decided by this JVM's own store, as without a fleet.
 */
final class FleetPermitStore extends BucketPermitStore {
    private final PermitStore local;
    private final RedisLink link;
    private final RedisBuckets buckets;
    /**
     * This JVM's handles on buckets in Redis, bounded like its own buckets (max-entries) and what
     * {@link #size} counts: a handle holds no state, only its key and how to build the bucket.
     */
    private final Cache<String, Bucket> handles;

    /** "p", or observe mode's own "op". */
    private final String kind;

    FleetPermitStore(GuardClock clock, PermitStore local, RedisLink link, int maxEntries, String kind) {
        super(clock);
        this.local = local;
        this.link = link;
        this.kind = kind;
        this.buckets = new RedisBuckets(link, clock);
        this.handles = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfterAccess(Duration.ofDays(1))
                .ticker(clock.ticker())
                .executor(Runnable::run)
                .build();
    }

    @Override
    Bucket bucket(EndpointRule rule, String throttleKey) {
        return handles.get(rule.id() + '\n' + throttleKey, k -> buckets.builder().build(
                link.key(kind, hash(rule.id() + '\n' + rule.limit() + '\n' + throttleKey)),
                () -> configuration(rule.limit())));
    }

    private static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 32);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Any fault of the fleet's (Redis down, a bug of ours): this JVM decides, and a real bug is counted. */
    private void fellBack(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RedisBuckets.LocalFallback) {
                return; // Redis did not answer: the breaker has told it already
            }
        }
        link.listener().onFleetFault(t);
    }

    @Override
    public CompletableFuture<Permit> tryAcquire(EndpointRule rule, List<String> keys) {
        try {
            return super.tryAcquire(rule, keys);
        } catch (Throwable t) {
            fellBack(t);
            return local.tryAcquire(rule, keys);
        }
    }

    @Override
    public boolean acquireWithin(EndpointRule rule, List<String> keys, long maxWaitNanos) throws InterruptedException {
        long start = clock.nanoTime();
        try {
            return super.acquireWithin(rule, keys, maxWaitNanos);
        } catch (InterruptedException e) {
            throw e;
        } catch (Throwable t) {
            fellBack(t);
            return local.acquireWithin(rule, keys, Math.max(0, maxWaitNanos - (clock.nanoTime() - start)));
        }
    }

    @Override
    public boolean acquireWithinUninterruptibly(EndpointRule rule, List<String> keys, long maxWaitNanos) {
        long start = clock.nanoTime();
        try {
            return super.acquireWithinUninterruptibly(rule, keys, maxWaitNanos);
        } catch (Throwable t) {
            fellBack(t);
            return local.acquireWithinUninterruptibly(rule, keys,
                    Math.max(0, maxWaitNanos - (clock.nanoTime() - start)));
        }
    }

    @Override
    public CompletableFuture<Boolean> acquireLater(EndpointRule rule, List<String> keys, long maxWaitNanos,
                                                   ScheduledExecutorService timer) {
        long start = clock.nanoTime();
        CompletableFuture<Boolean> shared;
        try {
            shared = super.acquireLater(rule, keys, maxWaitNanos, timer);
        } catch (Throwable t) {
            fellBack(t);
            return local.acquireLater(rule, keys, maxWaitNanos, timer);
        }
        return shared.handle((ok, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(ok);
            }
            fellBack(Futures.unwrap(failure));
            return local.acquireLater(rule, keys, Math.max(0, maxWaitNanos - (clock.nanoTime() - start)), timer);
        }).thenCompose(f -> f);
    }

    @Override
    public CompletableFuture<Void> refund(EndpointRule rule, List<String> keys) {
        try {
            return super.refund(rule, keys);
        } catch (Throwable t) {
            fellBack(t);
            return local.refund(rule, keys);
        }
    }

    @Override
    public long size() {
        return Math.max(handles.estimatedSize(), local.size());
    }

    @Override
    public void cleanUp() {
        handles.cleanUp();
        local.cleanUp();
    }
}
