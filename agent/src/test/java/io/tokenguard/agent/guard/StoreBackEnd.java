package io.tokenguard.agent.guard;

import io.tokenguard.agent.config.AgentSettings;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * A back end the guard tests run over, the idea of Caffeine's {@code @CacheSpec}: every test class
 * that builds a guard is a {@code @ParameterizedClass} over {@link #all()} and builds it here, so a
 * store added to {@link #all()} inherits every one of them.
 */
final class StoreBackEnd {
    static final StoreBackEnd IN_MEMORY = new StoreBackEnd("in-memory", GuardStores::inMemory);
    /** In memory behind futures that complete later, elsewhere: what a remote store's look-ups are like. */
    static final StoreBackEnd DEFERRED = new StoreBackEnd("deferred",
            (clock, settings) -> DeferredStores.of(GuardStores.inMemory(clock, settings)));

    /** Fleet mode: every store over a real redis-server, behind this JVM's own in-memory stores. */
    static final StoreBackEnd REDIS = new StoreBackEnd("redis", TestFleet::stores);

    private final String name;
    private final BiFunction<GuardClock, AgentSettings, GuardStores> factory;

    private StoreBackEnd(String name, BiFunction<GuardClock, AgentSettings, GuardStores> factory) {
        this.name = name;
        this.factory = factory;
    }

    /** Every back end the guard tests run over. */
    static Stream<StoreBackEnd> all() {
        return Stream.of(IN_MEMORY, DEFERRED, REDIS);
    }

    /** Fresh stores, empty, timed by this clock (a shared back end would be cleared here). */
    GuardStores stores(GuardClock clock, AgentSettings settings) {
        return factory.apply(clock, settings);
    }

    /** A guard over fresh stores of this back end, with an identity key of its own. */
    Guard guard(AgentSettings settings, GuardClock clock, GuardListener listener) {
        return new Guard(settings, clock, listener, stores(clock, settings), IdentityKey.random());
    }

    @Override
    public String toString() {
        return name;
    }
}
