package io.tokenguard.agent.guard;

import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AbstractCompareAndSwapBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import io.tokenguard.agent.fleet.FleetUnavailable;
import io.tokenguard.agent.fleet.RedisLink;
import io.tokenguard.agent.fleet.RedisScript;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Bucket4j's buckets in Redis through its compare-and-swap extension point: Bucket4j reads the
 * state (GET), computes the new one in this JVM, and writes it only if nobody wrote in between
 * (one script: compare and SET PX), retrying otherwise. Bucket4j's own Redis modules do the same
 * over Lettuce or Redisson; this is that shape over our shaded Jedis. Time is the wall clock (the
 * guard's), the one clock JVMs share. The state is Bucket4j's serialized counts and timestamps:
 * nothing secret, and the key name is a hash.
 */
final class RedisBuckets extends AbstractCompareAndSwapBasedProxyManager<String> {
    private static final RedisScript COMPARE_AND_SET = new RedisScript(
            "local cur = redis.call('GET', KEYS[1])\n"
            + "if ARGV[1] == '0' then\n"
            + "  if cur then return 0 end\n"
            + "elseif cur ~= ARGV[2] then return 0 end\n"
            + "if tonumber(ARGV[4]) > 0 then redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])\n"
            + "else redis.call('SET', KEYS[1], ARGV[3]) end\n"
            + "return 1\n");
    private static final byte[] ABSENT = "0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PRESENT = "1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOTHING = new byte[0];
    private final RedisLink link;
    private final ExpirationAfterWriteStrategy expiration;

    RedisBuckets(RedisLink link, GuardClock clock) {
        this(link, wallClock(clock), ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                Duration.ofSeconds(10)));
    }

    private RedisBuckets(RedisLink link, TimeMeter meter, ExpirationAfterWriteStrategy expiration) {
        super(ClientSideConfig.getDefault().withClientClock(meter).withExpirationAfterWriteStrategy(expiration));
        this.link = link;
        this.expiration = expiration;
    }

    private static TimeMeter wallClock(GuardClock clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return clock.wallClockMillis() * 1_000_000L;
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    /** Redis did not answer: the permit store decides this request in this JVM. */
    static final class LocalFallback extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LocalFallback(FleetUnavailable cause) {
            super("redis unavailable", cause, false, false);
        }
    }

    @Override
    protected CompareAndSwapOperation beginCompareAndSwapOperation(String key) {
        return new CompareAndSwapOperation() {
            @Override
            public Optional<byte[]> getStateData(Optional<Long> timeoutNanos) {
                try {
                    return Optional.ofNullable(link.get(key));
                } catch (FleetUnavailable e) {
                    throw new LocalFallback(e);
                }
            }

            @Override
            public boolean compareAndSwap(byte[] originalData, byte[] newData, RemoteBucketState newState,
                                          Optional<Long> timeoutNanos) {
                long ttl = expiration.calculateTimeToLiveMillis(newState, currentTimeNanos());
                try {
                    Object swapped = link.eval(COMPARE_AND_SET, Collections.singletonList(key), Arrays.asList(
                            originalData == null ? ABSENT : PRESENT, originalData == null ? NOTHING : originalData,
                            newData, Long.toString(ttl).getBytes(StandardCharsets.US_ASCII)));
                    return Long.valueOf(1).equals(swapped);
                } catch (FleetUnavailable e) {
                    throw new LocalFallback(e);
                }
            }
        };
    }

    @Override
    protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(String key) {
        throw new UnsupportedOperationException("every Redis call runs on its caller's thread");
    }

    @Override
    protected CompletableFuture<Void> removeAsync(String key) {
        throw new UnsupportedOperationException("buckets expire by themselves");
    }

    @Override
    public void removeProxy(String key) {
        try {
            link.del(key);
        } catch (FleetUnavailable e) {
            throw new LocalFallback(e);
        }
    }

    /** Every swap sets PX from the expiration strategy (asked by Bucket4j's constructor: no fields here). */
    @Override
    public boolean isExpireAfterWriteSupported() {
        return true;
    }

    @Override
    public boolean isAsyncModeSupported() {
        return false;
    }
}
