package io.tokenguard.agent;

import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.fleet.RedisLink;
import io.tokenguard.agent.guard.Guard;
import io.tokenguard.agent.guard.GuardClock;
import io.tokenguard.agent.guard.GuardStores;
import io.tokenguard.agent.guard.IdentityKey;
import io.tokenguard.agent.telemetry.AgentLog;
import io.tokenguard.agent.telemetry.Telemetry;

/**
 * Builds the guard of this JVM: alone (in-memory stores, a random identity key), or in fleet mode
 * over Redis with the identity key every JVM of the fleet derives from the fleet key. Nothing
 * connects here: the first Redis call is the first token request's.
 */
final class FleetStart {
    private FleetStart() {
    }

    static Guard guard(AgentSettings settings, Telemetry telemetry) {
        GuardClock clock = GuardClock.SYSTEM;
        if (settings.fleet() != null) {
            try {
                RedisLink link = RedisLink.open(settings.fleet(), telemetry, clock::nanoTime);
                telemetry.fleetState(link::fleetMode);
                AgentLog.info(settings.fleet().toString());
                return new Guard(settings, clock, telemetry, GuardStores.fleet(clock, settings, link),
                        IdentityKey.of(link.keys().identitySecret()));
            } catch (Throwable t) {
                AgentLog.error("fleet mode could not start (" + t.getClass().getName() + "); this JVM guards alone");
            }
        }
        // One JVM's stores and a random identity key: nothing is shared beyond this process.
        return new Guard(settings, clock, telemetry, GuardStores.inMemory(clock, settings), IdentityKey.random());
    }
}
