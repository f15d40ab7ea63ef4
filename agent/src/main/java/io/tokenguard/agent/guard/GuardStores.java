package io.tokenguard.agent.guard;

import io.tokenguard.agent.config.AgentSettings;

/**
 * Where the guard keeps what outlives a request: settled answers, permits, cooldowns. A back end is
 * a set of these three stores behind their interfaces, obtained from a factory here
 * ({@link #inMemory} today, a shared one later), never a flag inside the guard. Requests in flight
 * are not a store's business: they are coalesced in the JVM (see {@link InFlight}).
 */
public final class GuardStores {
    final AnswerStore answers;
    final PermitStore permits;
    final CooldownStore cooldowns;

    GuardStores(AnswerStore answers, PermitStore permits, CooldownStore cooldowns) {
        this.answers = answers;
        this.permits = permits;
        this.cooldowns = cooldowns;
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
}
