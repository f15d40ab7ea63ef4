package io.tokenguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
}
