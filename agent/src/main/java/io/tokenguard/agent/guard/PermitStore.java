package io.tokenguard.agent.guard;

import io.tokenguard.agent.catalog.EndpointRule;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Per-identity limits: a token bucket per key and rule, counting what is sent upstream. Every
 * method takes the keys of one request: usually one, several when a server could read the user two
 * ways; a permit is then taken from every one of them or from none (the stricter reading).
 *
 * <p>A back end is an implementation of this interface ({@link GuardStores#inMemory} for one JVM).
 * Look-ups answer with futures so that the asynchronous path never waits on a store: one in memory
 * completes them at once, a remote one when its answer arrives (it bounds its own waits). Failures
 * may be thrown or returned as failed futures: the guard treats both as a fault of its throttle
 * stage and steps aside.
 */
interface PermitStore {
    /** Takes one permit now from each key's bucket if each has one; otherwise says how long until the next. */
    CompletableFuture<Permit> tryAcquire(EndpointRule rule, List<String> keys);

    /**
     * Blocking callers only: waits up to maxWait for a permit from each key's bucket; true if all
     * were taken (else none is kept).
     */
    boolean acquireWithin(EndpointRule rule, List<String> keys, long maxWaitNanos) throws InterruptedException;

    /** {@link #acquireWithin}, waiting out an interrupt (and leaving the flag set) like a JDK socket read. */
    boolean acquireWithinUninterruptibly(EndpointRule rule, List<String> keys, long maxWaitNanos);

    /** Takes the permits within maxWait without blocking: the future completes when they are taken (or not). */
    CompletableFuture<Boolean> acquireLater(EndpointRule rule, List<String> keys, long maxWaitNanos,
                                            ScheduledExecutorService timer);

    /** Gives back permits that were taken for a call that then was not sent (the guardrail answered it). */
    CompletableFuture<Void> refund(EndpointRule rule, List<String> keys);

    /** Buckets held (an estimate; what this JVM can tell for a remote store). */
    long size();

    /** Runs pending housekeeping (evictions) now rather than during later calls. */
    void cleanUp();
}
