package io.tokenguard.agent.guard;

import java.util.concurrent.CompletableFuture;

/**
 * The settled-answer store: cacheable outcomes by request fingerprint, each for as long as its TTL
 * says. Only what may be served to a later identical request is put here; requests in flight are
 * not (they are coalesced in this JVM, see {@link InFlight}), nor is anything with a TTL of 0.
 *
 * <p>Look-ups answer with futures so that the asynchronous path never waits on a store: one in
 * memory completes them at once (a hit hands out a future it already holds, allocating nothing), a
 * remote one when its answer arrives (it bounds its own waits). Failures may be thrown or returned
 * as failed futures: the guard treats both as a fault of its cache stage and steps aside.
 */
interface AnswerStore {
    /** The settled outcome for this fingerprint, or a future of null when there is none (or it expired). */
    CompletableFuture<Outcome> get(String fingerprint);

    /**
     * {@link #get(String)} for a request that would wait at most maxWaitMillis for an identical one
     * (its client's read timeout, else coalesce.max-wait): a store that waits for another JVM's answer
     * waits no longer than that, and not at all for 0. One in memory never waits, so by default the
     * bound is not needed.
     */
    default CompletableFuture<Outcome> get(String fingerprint, long maxWaitMillis) {
        return get(fingerprint);
    }

    /**
     * Keeps an outcome whose TTL is positive for that long. The future completes once a later
     * {@link #get} (in any JVM sharing the store) sees it.
     */
    CompletableFuture<Void> put(String fingerprint, Outcome outcome);

    /**
     * The leader of this fingerprint is done and left nothing to keep (an answer that may not be
     * cached, a failure, a step aside): a store that lets other JVMs wait for a leader (a lease)
     * lets them go on now instead of when the lease runs out. A store in memory has nothing to do.
     */
    default CompletableFuture<Void> release(String fingerprint) {
        return CompletableFuture.completedFuture(null);
    }

    /** Settled answers held (an estimate; what this JVM can tell for a remote store). */
    long size();

    /** Answers dropped because they expired or for room, since the store was built. */
    long evictions();

    /** Runs pending housekeeping (evictions) now rather than during later calls. */
    void cleanUp();
}
