package io.tokenguard.agent.guard;

import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.fleet.RedisLink;

/**
 * Where the guard keeps what outlives a request: settled answers, permits, cooldowns. A back end is
 * a set of these three stores behind their interfaces, obtained from a factory here
 * ({@link #inMemory} for one JVM, {@link #fleet} for many over Redis), never a flag inside the guard. Requests in flight
 * are not a store's business: they are coalesced in the JVM (see {@link InFlight}).
 */
public final class GuardStores {
    final AnswerStore answers;
    final PermitStore permits;
    final CooldownStore cooldowns;

    /** What observe mode decides against instead (never these stores); null: in-memory stores of its own. */
    final GuardStores observeShadow;

    GuardStores(AnswerStore answers, PermitStore permits, CooldownStore cooldowns) {
        this(answers, permits, cooldowns, null);
    }

    private GuardStores(AnswerStore answers, PermitStore permits, CooldownStore cooldowns, GuardStores observeShadow) {
        this.answers = answers;
        this.permits = permits;
        this.cooldowns = cooldowns;
        this.observeShadow = observeShadow;
    }

    /**
     * Stores of this JVM alone (Caffeine and Bucket4j), each bounded by tokenguard.cache.max-entries
     * and timed by the guard's clock. Cheap to build; nothing is started.
     */
    public static GuardStores inMemory(GuardClock clock, AgentSettings settings) {
        int max = settings.cacheMaxEntries();
        return new GuardStores(new InMemoryAnswerStore(clock, max), new InMemoryPermitStore(clock, max),
                new InMemoryCooldownStore(clock, max));
    }

    /**
     * Stores shared by every JVM of a fleet through Redis (fleet mode), each over this JVM's own
     * in-memory store: the first level of the token cache, and what decides whenever Redis does
     * not answer (local-only mode). The guard must hash identities under the fleet's identity
     * key ({@code link.keys().identitySecret()}), or no JVM's keys match another's.
     */
    public static GuardStores fleet(GuardClock clock, AgentSettings settings, RedisLink link) {
        GuardStores local = inMemory(clock, settings);
        GuardStores shadow = inMemory(clock, settings);
        int max = settings.cacheMaxEntries();
        // Observe mode counts fleet-wide too, under keys of its own: never what enforce mode decides on.
        GuardStores observe = new GuardStores(FleetAnswerStore.shadow(clock, shadow.answers, link),
                new FleetPermitStore(clock, shadow.permits, link, max, "op"),
                new FleetCooldownStore(clock, shadow.cooldowns, link, "oc"));
        return new GuardStores(
                new FleetAnswerStore(clock, local.answers, link, settings.coalesceMaxWait().toMillis()),
                new FleetPermitStore(clock, local.permits, link, max, "p"),
                new FleetCooldownStore(clock, local.cooldowns, link, "c"), observe);
    }
}
