package io.tokenguard.agent.guard;

import io.tokenguard.agent.fleet.FleetUnavailable;
import io.tokenguard.agent.fleet.RedisLink;
import io.tokenguard.agent.fleet.RedisScript;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The token cache in two levels: this JVM's own (first, a hit costs what it always did), then Redis,
 * where every settled answer is kept sealed (AES-256-GCM, the key name as associated data) until
 * its TTL ends. An answer found in Redis is served with the lifetime it has left and kept locally.
 *
 * <p>Single flight across JVMs: a miss in both levels takes a lease in the same round trip (one
 * script: hit / lead / wait). The JVM holding it leads (this store answers "none" and the guard
 * sends); requests of other JVMs poll for the answer every {@value #POLL_MILLIS} ms on the guard's
 * timer, until it appears, the lease ends (the leader stored nothing, or died: then one of them
 * leads) or the fleet wait bound passes (then each sends its own, as a leader would). The store API
 * does not carry a request's own read timeout, so the bound is the lease's length:
 * min(tokenguard.coalesce.max-wait, {@value #MAX_LEASE_MILLIS} ms). The leader's put, or its
 * {@link #release} when there is nothing to keep, ends the lease.
 */
final class FleetAnswerStore implements AnswerStore {
    static final long POLL_MILLIS = 20;
    static final long MAX_LEASE_MILLIS = 10_000;
    private static final CompletableFuture<Outcome> ABSENT = CompletableFuture.completedFuture(null);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private static final RedisScript LOOK_UP = new RedisScript(
            "local v = redis.call('GET', KEYS[1])\n"
            + "if v then return {1, v} end\n"
            + "if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {2} end\n"
            + "if redis.call('GET', KEYS[2]) == ARGV[1] then return {2} end\n"
            + "return {3, redis.call('PTTL', KEYS[2])}\n");
    private static final RedisScript STORE = new RedisScript(
            "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])\n"
            + "if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end\n"
            + "return 1\n");
    private static final RedisScript RELEASE = new RedisScript(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end\n"
            + "return 0\n");

    private final GuardClock clock;
    private final AnswerStore local;
    private final RedisLink link;
    /** Key kinds: the answers' and the leases' ("a", "l"; observe mode's shadow has its own). */
    private final String entryKind;
    private final String leaseKind;
    /** Observe mode's shadow takes no lease: every request is sent anyway, nobody waits for one. */
    private final boolean leases;
    private final long leaseMillis;
    /** Whose lease it is: this store, i.e. this JVM (its own requests coalesce in InFlight). */
    private final byte[] owner;

    FleetAnswerStore(GuardClock clock, AnswerStore local, RedisLink link, long coalesceMaxWaitMillis) {
        this(clock, local, link, coalesceMaxWaitMillis, "a", "l", true);
    }

    /** Observe mode's shadow: hollow outcomes under keys of its own, no lease. */
    static FleetAnswerStore shadow(GuardClock clock, AnswerStore local, RedisLink link) {
        return new FleetAnswerStore(clock, local, link, 1, "oa", "ol", false);
    }

    private FleetAnswerStore(GuardClock clock, AnswerStore local, RedisLink link, long coalesceMaxWaitMillis,
                             String entryKind, String leaseKind, boolean leases) {
        this.clock = clock;
        this.local = local;
        this.link = link;
        this.entryKind = entryKind;
        this.leaseKind = leaseKind;
        this.leases = leases;
        this.leaseMillis = Math.max(1, Math.min(coalesceMaxWaitMillis, MAX_LEASE_MILLIS));
        byte[] id = new byte[12];
        new SecureRandom().nextBytes(id);
        this.owner = Base64.getUrlEncoder().withoutPadding().encodeToString(id).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public CompletableFuture<Outcome> get(String fingerprint) {
        return get(fingerprint, leaseMillis);
    }

    /** Waits for another JVM's answer no longer than its lease, nor than this request would wait (0: not at all). */
    @Override
    public CompletableFuture<Outcome> get(String fingerprint, long maxWaitMillis) {
        CompletableFuture<Outcome> first = local.get(fingerprint);
        if (!first.isDone() || first.join() != null) {
            return first;
        }
        Step step = lookUp(fingerprint);
        if (step != Step.WAIT) {
            return step.found;
        }
        if (maxWaitMillis == 0) {
            // A second look (the guard's, after it won this JVM's in-flight slot): no second wait.
            return ABSENT;
        }
        CompletableFuture<Outcome> awaited = new CompletableFuture<>();
        // Real time, as the lease's own expiry in Redis and the polls' delays are.
        long start = System.nanoTime();
        long waitMillis = Math.min(leaseMillis, maxWaitMillis);
        poll(fingerprint, awaited, start, start + TimeUnit.MILLISECONDS.toNanos(waitMillis));
        return awaited;
    }

    /** What one look-up found: an answer (served), nothing to wait for (lead), or another JVM's lease. */
    private static final class Step {
        static final Step LEAD = new Step(ABSENT);
        static final Step WAIT = new Step(null);
        final CompletableFuture<Outcome> found;

        Step(CompletableFuture<Outcome> found) {
            this.found = found;
        }
    }

    private Step lookUp(String fingerprint) {
        String entry = link.key(entryKind, fingerprint);
        try {
            if (!leases) {
                Outcome o = open(entry, link.get(entry));
                if (o == null) {
                    return Step.LEAD;
                }
                local.put(fingerprint, o);
                return new Step(CompletableFuture.completedFuture(o));
            }
            Object reply = link.eval(LOOK_UP, Arrays.asList(entry, link.key(leaseKind, fingerprint)),
                    Arrays.asList(owner, Long.toString(leaseMillis).getBytes(StandardCharsets.US_ASCII)));
            List<?> r = (List<?>) reply;
            long kind = (Long) r.get(0);
            if (kind == 1) {
                Outcome o = open(entry, (byte[]) r.get(1));
                if (o == null || o.response() == null) {
                    return Step.LEAD; // does not open here (corrupt, another key): a miss, never served
                }
                local.put(fingerprint, o);
                link.listener().onSecondLevelHit();
                return new Step(CompletableFuture.completedFuture(o));
            }
            return kind == 2 ? Step.LEAD : Step.WAIT;
        } catch (FleetUnavailable localOnly) {
            return Step.LEAD;
        } catch (ClassCastException | IndexOutOfBoundsException | NullPointerException garbage) {
            link.garbage(garbage);
            return Step.LEAD;
        } catch (Throwable t) {
            link.listener().onFleetFault(t);
            return Step.LEAD;
        }
    }

    private void poll(String fingerprint, CompletableFuture<Outcome> awaited, long start, long deadline) {
        try {
            DelayScheduler.get().schedule(() -> {
                try {
                    Step step = lookUp(fingerprint);
                    if (step == Step.WAIT && System.nanoTime() - deadline < 0) {
                        poll(fingerprint, awaited, start, deadline);
                        return;
                    }
                    Outcome o = step == Step.WAIT ? null : step.found.join();
                    link.listener().onLeaseWait(step == Step.WAIT ? "gave-up" : o != null ? "served" : "lead",
                            System.nanoTime() - start);
                    awaited.complete(o);
                } catch (Throwable t) {
                    awaited.complete(null);
                    link.listener().onFleetFault(t);
                }
            }, POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Throwable t) {
            awaited.complete(null);
            link.listener().onFleetFault(t);
        }
    }

    private Outcome open(String entry, byte[] sealed) {
        if (sealed == null) {
            return null;
        }
        byte[] plain = link.keys().cipher().open(entry.getBytes(StandardCharsets.UTF_8), sealed);
        return plain == null ? null : FleetRecords.readAnswer(plain, clock.nanoTime(), clock.wallClockMillis());
    }

    @Override
    public CompletableFuture<Void> put(String fingerprint, Outcome outcome) {
        CompletableFuture<Void> kept = local.put(fingerprint, outcome);
        try {
            String entry = link.key(entryKind, fingerprint);
            byte[] sealed = link.keys().cipher().seal(entry.getBytes(StandardCharsets.UTF_8),
                    FleetRecords.answer(outcome, clock.nanoTime(), clock.wallClockMillis()));
            long px = Math.max(1, TimeUnit.NANOSECONDS.toMillis(outcome.ttlNanos()));
            if (!leases) {
                link.set(entry, sealed, px);
                return kept;
            }
            link.eval(STORE, Arrays.asList(entry, link.key(leaseKind, fingerprint)),
                    Arrays.asList(sealed, Long.toString(px).getBytes(StandardCharsets.US_ASCII), owner));
        } catch (FleetUnavailable localOnly) {
            // Kept in this JVM; the lease, if any, runs out by itself.
        } catch (Throwable t) {
            link.listener().onFleetFault(t);
        }
        return kept;
    }

    @Override
    public CompletableFuture<Void> release(String fingerprint) {
        if (!leases) {
            return DONE;
        }
        try {
            link.eval(RELEASE, Collections.singletonList(link.key(leaseKind, fingerprint)), Collections.singletonList(owner));
        } catch (FleetUnavailable localOnly) {
            // It runs out by itself.
        } catch (Throwable t) {
            link.listener().onFleetFault(t);
        }
        return DONE;
    }

    @Override
    public long size() {
        return local.size();
    }

    @Override
    public long evictions() {
        return local.evictions();
    }

    @Override
    public void cleanUp() {
        local.cleanUp();
    }
}
