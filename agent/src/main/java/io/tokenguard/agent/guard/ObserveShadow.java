package io.tokenguard.agent.guard;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Observe mode's own state: the stores it decides against, and what is in flight. Always its own,
 * never the configured stores, so that counting changes nothing on the wire, nor (with a store
 * shared by several JVMs) what the others decide: in memory, or in fleet mode shared by the
 * fleet's observers under keys of their own (so a fleet counts what a fleet in enforce mode would
 * have done). Its answer store holds hollow outcomes: until when enforce would serve one, never
 * the token. What is in flight stays in this JVM.
 */
final class ObserveShadow {
    private final GuardStores stores;
    /** Every request is sent in observe mode, so identical ones can be in flight together: counted. */
    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    ObserveShadow(GuardStores stores) {
        this.stores = stores;
    }

    GuardStores stores() {
        return stores;
    }

    boolean inFlight(String fingerprint) {
        AtomicInteger n = inFlight.get(fingerprint);
        return n != null && n.get() > 0;
    }

    void begin(String fingerprint) {
        inFlight.computeIfAbsent(fingerprint, k -> new AtomicInteger()).incrementAndGet();
    }

    void end(String fingerprint) {
        inFlight.computeIfPresent(fingerprint, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** An answer enforce would keep for ttlNanos (0: not at all). */
    void remember(String fingerprint, long ttlNanos) {
        if (ttlNanos > 0) {
            stores.answers.put(fingerprint, Outcome.hollow(ttlNanos));
        }
    }
}
