package io.tokenguard.agent.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.local.LocalBucketBuilder;
import io.tokenguard.agent.catalog.EndpointRule;
import java.time.Duration;

/**
 * The permit store of one JVM: per-identity token buckets (Bucket4j) in a bounded cache, dropped
 * once idle for longer than a day: an idle bucket is full anyway. Look-ups complete at once.
 */
final class InMemoryPermitStore extends BucketPermitStore {
    private final Cache<String, Bucket> buckets;

    InMemoryPermitStore(GuardClock clock, int maxIdentities) {
        super(clock);
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxIdentities)
                .expireAfterAccess(Duration.ofDays(1))
                .ticker(clock.ticker())
                .executor(Runnable::run)
                .build();
    }

    @Override
    public long size() {
        return buckets.estimatedSize();
    }

    @Override
    public void cleanUp() {
        buckets.cleanUp();
    }

    @Override
    Bucket bucket(EndpointRule rule, String throttleKey) {
        return buckets.get(throttleKey, k -> {
            LocalBucketBuilder b = Bucket.builder();
            for (Bandwidth limit : configuration(rule.limit()).getBandwidths()) {
                b.addLimit(limit);
            }
            return b.withCustomTimePrecision(clock.timeMeter()).build();
        });
    }
}
