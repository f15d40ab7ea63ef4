package io.tokenguard.agent.guard;

import io.tokenguard.agent.fleet.FleetUnavailable;
import io.tokenguard.agent.fleet.RedisLink;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cooldowns held fleet-wide: each key is SET in Redis for the back-off (PX), its value the sealed
 * cooldown (kind, end, the provider's answer); {@link #current} is one MGET. This JVM's own store
 * is asked first and always written too, so a cooldown this JVM started needs no round trip, and
 * local-only mode (Redis down) still holds what this JVM was told.
 */
final class FleetCooldownStore implements CooldownStore {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private final GuardClock clock;
    private final CooldownStore local;
    private final RedisLink link;
    /** "c", or observe mode's own "oc". */
    private final String keyKind;

    FleetCooldownStore(GuardClock clock, CooldownStore local, RedisLink link, String keyKind) {
        this.clock = clock;
        this.local = local;
        this.link = link;
        this.keyKind = keyKind;
    }

    @Override
    public CompletableFuture<Void> start(List<String> keys, String kind, TokenHttpResponse providerAnswer,
                                         long durationNanos) {
        CompletableFuture<Void> started = local.start(keys, kind, providerAnswer, durationNanos);
        try {
            long now = clock.nanoTime();
            byte[] plain = FleetRecords.cooldown(new Cooldown(kind, providerAnswer, now + durationNanos), now,
                    clock.wallClockMillis());
            long px = Math.max(1, TimeUnit.NANOSECONDS.toMillis(durationNanos));
            for (String key : keys) {
                String name = link.key(keyKind, key);
                link.set(name, link.keys().cipher().seal(name.getBytes(StandardCharsets.UTF_8), plain), px);
            }
        } catch (FleetUnavailable localOnly) {
            // Held in this JVM only: the other JVMs learn of it from the provider, as without a fleet.
        } catch (Throwable t) {
            link.listener().onFleetFault(t);
        }
        return started;
    }

    @Override
    public CompletableFuture<Cooldown> current(List<String> keys) {
        CompletableFuture<Cooldown> mine = local.current(keys);
        if (!mine.isDone() || mine.join() != null) {
            return mine;
        }
        try {
            List<String> names = new ArrayList<>(keys.size());
            for (String key : keys) {
                names.add(link.key(keyKind, key));
            }
            List<byte[]> values = link.mget(names);
            long now = clock.nanoTime();
            long wall = clock.wallClockMillis();
            for (int i = 0; i < values.size() && i < names.size(); i++) {
                byte[] plain = link.keys().cipher().open(names.get(i).getBytes(StandardCharsets.UTF_8), values.get(i));
                Cooldown c = plain == null ? null : FleetRecords.readCooldown(plain, now, wall);
                if (c != null) {
                    return CompletableFuture.completedFuture(c);
                }
            }
        } catch (FleetUnavailable localOnly) {
            // Decided on what this JVM knows.
        } catch (Throwable t) {
            link.listener().onFleetFault(t);
        }
        return mine;
    }
}
