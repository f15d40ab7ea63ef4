package io.tokenguard.agent.guard;

import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.FleetKeyRing;
import io.tokenguard.agent.fleet.RedisLink;
import io.tokenguard.agent.fleet.RedisServerFixture;

/**
 * One "JVM" of a fleet in a test: its own Redis link (pool and breaker), its own in-memory first
 * level and in-flight table, the identity key derived from the fleet key, as the agent builds it.
 */
final class FleetJvm implements AutoCloseable {
    final RecordingListener listener = new RecordingListener();
    final RecordingFleetListener fleet = new RecordingFleetListener();
    final RedisLink link;
    final Guard guard;

    FleetJvm(String uri, FleetKeyRing keys, String name, AgentSettings settings, GuardClock clock) {
        this.link = RedisLink.open(TestFleet.settings(uri, keys, name, RedisServerFixture.timeout()), fleet,
                clock::nanoTime);
        this.guard = new Guard(settings, clock, listener, GuardStores.fleet(clock, settings, link),
                IdentityKey.of(link.keys().identitySecret()));
    }

    @Override
    public void close() {
        link.close();
    }
}
