package io.tokenguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenguard.agent.guard.TokenCacheStats;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class GuardMetersTest {
    private static double requests(SimpleMeterRegistry registry) {
        return registry.find("tokenguard.requests").counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void rememberedCountersKeepCountingAsTheRegistryWould() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GuardMeters meters = new GuardMeters(registry, new SimpleMeterRegistry(), false, 100);
        for (int i = 0; i < 1_000; i++) {
            meters.request("eloqua", "password", "okhttp", "-", i % 10 == 0 ? "upstream" : "cache");
        }
        assertThat(registry.get("tokenguard.requests").tag("outcome", "cache").counter().count()).isEqualTo(900);
        assertThat(registry.get("tokenguard.requests").tag("outcome", "upstream").counter().count()).isEqualTo(100);
        assertThat(registry.find("tokenguard.requests").counters()).hasSize(2);
    }

    @Test
    void moreTagSetsThanItRemembersAreStillCountedEachTime() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GuardMeters meters = new GuardMeters(registry, new SimpleMeterRegistry(), true, 10_000);
        // 6,000 users, twice each: past the 4,096 tag sets remembered, the registry's lookup takes over.
        for (int round = 0; round < 2; round++) {
            for (int u = 0; u < 6_000; u++) {
                meters.request("eloqua", "password", "okhttp", "user-" + u, "upstream");
            }
        }
        assertThat(requests(registry)).isEqualTo(12_000);
        assertThat(registry.find("tokenguard.requests").counters()).hasSize(6_000);
        assertThat(registry.get("tokenguard.requests").tag("user", "user-5999").counter().count()).isEqualTo(2);
    }

    /** Each meter as a dashboard sees it: name, type, tags, unit and description. */
    private static Set<String> shapes(MeterRegistry registry, String prefix) {
        Set<String> shapes = new TreeSet<>();
        for (Meter m : registry.getMeters()) {
            Meter.Id id = m.getId();
            shapes.add(prefix + id.getName() + " " + id.getType() + " " + id.getTags() + " " + id.getBaseUnit() + " "
                    + id.getDescription());
        }
        return shapes;
    }

    private static final class FixedStats implements TokenCacheStats {
        @Override
        public long size() {
            return 3;
        }

        @Override
        public long hits() {
            return 5;
        }

        @Override
        public long misses() {
            return 2;
        }

        @Override
        public long puts() {
            return 2;
        }

        @Override
        public long evictions() {
            return 4;
        }
    }

    /** The token-cache meters are those Micrometer's Caffeine binder registered, whatever store feeds them. */
    @Test
    void tokenCacheMetersKeepTheCaffeineBindersNamesTagsAndTypes() {
        SimpleMeterRegistry ours = new SimpleMeterRegistry();
        TokenCacheStats stats = new FixedStats();
        new GuardMeters(ours, new SimpleMeterRegistry(), false, 100).tokenCache(stats);
        SimpleMeterRegistry binder = new SimpleMeterRegistry();
        CaffeineCacheMetrics.monitor(binder, Caffeine.newBuilder().recordStats().buildAsync(), "tokens");

        assertThat(shapes(ours, "")).isEqualTo(shapes(binder, "tokenguard."));
        assertThat(ours.get("tokenguard.cache.size").tag("cache", "tokens").gauge().value()).isEqualTo(3);
        assertThat(ours.get("tokenguard.cache.gets").tag("result", "hit").functionCounter().count()).isEqualTo(5);
        assertThat(ours.get("tokenguard.cache.gets").tag("result", "miss").functionCounter().count()).isEqualTo(2);
        assertThat(ours.get("tokenguard.cache.puts").functionCounter().count()).isEqualTo(2);
        assertThat(ours.get("tokenguard.cache.evictions").functionCounter().count()).isEqualTo(4);
        assertThat(ours.get("tokenguard.cache.eviction.weight").functionCounter().count()).isEqualTo(4);
    }
}
