package io.tokenguard.agent.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Fleet mode's meters: the breaker's state (tokenguard.fleet.state, 1 fleet, 0 local-only), Redis
 * round trips and their latency by operation and outcome, waits for another JVM's leader, and
 * answers served from the second level. Tags take a handful of fixed words, never a key.
 */
final class FleetMeters {
    private final MeterRegistry registry;

    /** Registers nothing yet: a meter registered before the exporters are added is lost to them (Micrometer warns). */
    FleetMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void state(BooleanSupplier fleet) {
        Gauge.builder("tokenguard.fleet.state", fleet, f -> f.getAsBoolean() ? 1 : 0)
                .description("1: limits, cooldowns and the cache are shared through Redis; 0: local-only (Redis failing)")
                .strongReference(true)
                .register(registry);
    }

    void redisCall(String op, boolean ok, long nanos) {
        Timer.builder("tokenguard.fleet.redis.calls").tags("op", op, "outcome", ok ? "ok" : "error")
                .description("Round trips to the fleet's Redis").register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    void leaseWait(String outcome, long nanos) {
        Timer.builder("tokenguard.fleet.lease.wait").tags("outcome", outcome)
                .description("Requests that waited for another JVM's identical request (served, lead, gave-up)")
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    void secondLevelHit() {
        Counter.builder("tokenguard.fleet.cache.hits")
                .description("Answers missing in this JVM's cache that were served from Redis (the second level)")
                .register(registry).increment();
    }
}
