package io.tokenguard.agent.fleet;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Whether Redis is asked at all. Three named states:
 * <ul>
 * <li>FLEET: every call goes to Redis; a failure (down, slow past fleet.timeout, refusing auth,
 *     garbage) switches to LOCAL_ONLY at once, so at most the calls already under way pay a timeout
 *     — unless Redis answered another call after the failed one began: then Redis is up and only
 *     that call was slow (a busy host, 16 threads on two cores), and one slow call must not send
 *     every thread local for a second;</li>
 * <li>LOCAL_ONLY: no call goes to Redis until the back-off is over (1 s, doubling to 30 s);</li>
 * <li>PROBING: the back-off is over and exactly one call (whoever came first) tries Redis; its
 *     success is FLEET again, its failure LOCAL_ONLY with a longer back-off. A success in LOCAL_ONLY
 *     (a call that was under way at the switch) does not switch back: that flapped.</li>
 * </ul>
 * Each switch between fleet mode and local-only is told once (one event, the state gauge). No
 * thread of its own: time is read from the guard's clock when a call comes.
 */
final class FleetBreaker {
    static final long FIRST_BACK_OFF_NANOS = 1_000_000_000L;
    static final long MAX_BACK_OFF_NANOS = 30_000_000_000L;

    enum Mode { FLEET, LOCAL_ONLY, PROBING }

    private static final class State {
        final Mode mode;
        final long retryAtNanos;
        final long backOffNanos;

        State(Mode mode, long retryAtNanos, long backOffNanos) {
            this.mode = mode;
            this.retryAtNanos = retryAtNanos;
            this.backOffNanos = backOffNanos;
        }
    }

    private final AtomicReference<State> state = new AtomicReference<>(new State(Mode.FLEET, 0, 0));
    /**
     * How many calls Redis has answered: a call notes it when it begins, so its failure can tell a
     * slow call (others were answered meanwhile) from a dead server, whatever the clock does.
     */
    private final java.util.concurrent.atomic.AtomicLong answered = new java.util.concurrent.atomic.AtomicLong();
    private final LongSupplier nanoTime;
    private final FleetListener listener;

    FleetBreaker(LongSupplier nanoTime, FleetListener listener) {
        this.nanoTime = nanoTime;
        this.listener = listener;
    }

    /** Whether this call may go to Redis (in LOCAL_ONLY past its back-off, this call becomes the probe). */
    boolean allow() {
        State s = state.get();
        if (s.mode == Mode.FLEET) {
            return true;
        }
        if (s.mode == Mode.PROBING || nanoTime.getAsLong() - s.retryAtNanos < 0) {
            return false;
        }
        return state.compareAndSet(s, new State(Mode.PROBING, s.retryAtNanos, s.backOffNanos));
    }

    /** What a call notes when it begins, for {@link #failed(Throwable, long)}. */
    long began() {
        return answered.get();
    }

    void succeeded() {
        answered.incrementAndGet();
        State s = state.get();
        if (s.mode == Mode.PROBING && state.compareAndSet(s, new State(Mode.FLEET, 0, 0))) {
            listener.onFleetState(true, "recovered");
        }
    }

    /**
     * A call failed that noted {@link #began()} when it began: it switches to LOCAL_ONLY unless Redis
     * answered another call since (then that call alone was slow or unlucky).
     */
    void failed(Throwable why, long began) {
        if (state.get().mode == Mode.FLEET && answered.get() != began) {
            return;
        }
        failed(why);
    }

    /** A failure that says Redis cannot be used, whatever other calls saw (garbage, the wrong server). */
    void failed(Throwable why) {
        while (true) {
            State s = state.get();
            if (s.mode == Mode.LOCAL_ONLY) {
                return; // a call that started before the switch: already told
            }
            long backOff = s.mode == Mode.FLEET ? FIRST_BACK_OFF_NANOS
                    : Math.min(MAX_BACK_OFF_NANOS, Math.max(FIRST_BACK_OFF_NANOS, s.backOffNanos * 2));
            if (state.compareAndSet(s, new State(Mode.LOCAL_ONLY, nanoTime.getAsLong() + backOff, backOff))) {
                if (s.mode == Mode.FLEET) {
                    listener.onFleetState(false, why.getClass().getSimpleName());
                }
                return;
            }
        }
    }

    /** A call that was allowed never reached Redis (no pooled connection): a probe may be tried again. */
    void released() {
        State s = state.get();
        if (s.mode == Mode.PROBING) {
            state.compareAndSet(s, new State(Mode.LOCAL_ONLY, s.retryAtNanos, s.backOffNanos));
        }
    }

    boolean fleet() {
        return state.get().mode == Mode.FLEET;
    }

    Mode mode() {
        return state.get().mode;
    }
}
