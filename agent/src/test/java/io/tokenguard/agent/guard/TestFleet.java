package io.tokenguard.agent.guard;

import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.FleetKeyRing;
import io.tokenguard.agent.config.FleetSettings;
import io.tokenguard.agent.fleet.FleetListener;
import io.tokenguard.agent.fleet.RedisLink;
import io.tokenguard.agent.fleet.RedisServerFixture;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.UUID;

/**
 * Fleets over a real redis-server for the guard tests. {@link #shared()} is one server for the
 * whole test run (the store back end every guard test runs over), started on first use and
 * stopped by its Process when the test JVM exits; each {@link #stores} gets a fleet name of its
 * own, so its keys are fresh and no test sees another's.
 */
final class TestFleet {
    private TestFleet() {
    }

    private static final class Shared {
        static final RedisServerFixture SERVER = start();

        private static RedisServerFixture start() {
            try {
                RedisServerFixture f = RedisServerFixture.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        f.close();
                    } catch (InterruptedException ignored) {
                        // exiting anyway
                    }
                }));
                return f;
            } catch (Exception e) {
                throw new IllegalStateException("cannot start redis-server", e);
            }
        }
    }

    static RedisServerFixture shared() {
        return Shared.SERVER;
    }

    static byte[] newKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    static FleetSettings settings(String uri, FleetKeyRing keys, String name, Duration timeout) {
        return new FleetSettings(FleetSettings.redisUri(uri), null, keys, name, timeout);
    }

    static RedisLink link(String uri, FleetKeyRing keys, String name, FleetListener listener) {
        return RedisLink.open(settings(uri, keys, name, RedisServerFixture.timeout()), listener, System::nanoTime);
    }

    /** Fleet stores of a fleet of their own on the shared server. */
    static GuardStores stores(GuardClock clock, AgentSettings settings) {
        RedisLink link = link(shared().uri(), FleetKeyRing.of(newKey()), "test-" + UUID.randomUUID(),
                FleetListener.NONE);
        return GuardStores.fleet(clock, settings, link);
    }
}
