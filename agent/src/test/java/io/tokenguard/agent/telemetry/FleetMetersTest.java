package io.tokenguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Fleet mode's meters, as an exporter reads them: the breaker's gauge, round trips, lease waits, second-level hits. */
class FleetMetersTest {
    @Test
    void theFleetMetersCountWhatTheFleetTellsThem() {
        Telemetry t = new Telemetry();
        AtomicBoolean fleet = new AtomicBoolean(true);
        t.fleetState(fleet::get);
        assertThat(t.registry().get("tokenguard.fleet.state").gauge().value()).isEqualTo(1.0);
        fleet.set(false);
        assertThat(t.registry().get("tokenguard.fleet.state").gauge().value()).isEqualTo(0.0);

        t.onRedisCall("eval", true, TimeUnit.MILLISECONDS.toNanos(2));
        t.onRedisCall("eval", false, TimeUnit.MILLISECONDS.toNanos(250));
        t.onLeaseWait("served", TimeUnit.MILLISECONDS.toNanos(40));
        t.onSecondLevelHit();
        t.onSecondLevelHit();
        assertThat(t.registry().get("tokenguard.fleet.redis.calls").tags("op", "eval", "outcome", "ok").timer().count())
                .isEqualTo(1);
        assertThat(t.registry().get("tokenguard.fleet.redis.calls").tags("outcome", "error").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250.0);
        assertThat(t.registry().get("tokenguard.fleet.lease.wait").tags("outcome", "served").timer().count())
                .isEqualTo(1);
        assertThat(t.registry().get("tokenguard.fleet.cache.hits").counter().count()).isEqualTo(2.0);
    }
}
