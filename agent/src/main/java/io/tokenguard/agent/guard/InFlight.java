package io.tokenguard.agent.guard;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Identical requests in flight in this JVM, by fingerprint: the first leads (it is sent), the
 * others join its future. Local whatever the answer store (a future cannot be shared across JVMs),
 * and apart from it: a leader puts a cacheable answer into the store before it leaves here, and
 * leaves before it completes with anything else (a TTL of 0, a failure), so a request never finds
 * neither, and an answer that may not be cached is shared only with those already waiting.
 */
final class InFlight {
    private final ConcurrentHashMap<String, CompletableFuture<Outcome>> leaders = new ConcurrentHashMap<>();

    /**
     * Registers {@code leader} unless an identical request is in flight. The caller leads exactly
     * when the returned future is {@code leader}; otherwise it is the one to join.
     */
    CompletableFuture<Outcome> join(String fingerprint, CompletableFuture<Outcome> leader) {
        CompletableFuture<Outcome> present = leaders.putIfAbsent(fingerprint, leader);
        return present != null ? present : leader;
    }

    /** The leader is done here: requests arriving from now on do not find it. */
    void leave(String fingerprint, CompletableFuture<Outcome> leader) {
        leaders.remove(fingerprint, leader);
    }

    /** Leaders in flight now (one whose answer is being stored may also be counted by the store). */
    long size() {
        return leaders.mappingCount();
    }
}
