package io.tokenguard.agent.guard;

import com.github.benmanes.caffeine.cache.Ticker;
import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.UninterruptibleBlockingStrategy;
import java.util.concurrent.locks.LockSupport;

/**
 * The one time source of the guard: cache expiry, buckets, cooldowns and waits all read it, so tests
 * drive every time-dependent decision with a fake clock instead of sleeping.
 */
public interface GuardClock {
    GuardClock SYSTEM = new GuardClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long wallClockMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public void park(long nanos) throws InterruptedException {
            long deadline = System.nanoTime() + nanos;
            long left = nanos;
            while (left > 0) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                left = deadline - System.nanoTime();
            }
        }
    };

    long nanoTime();

    long wallClockMillis();

    /** Waits (or, in a fake clock, advances time) for the given nanoseconds. */
    void park(long nanos) throws InterruptedException;

    /**
     * Waits like {@link #park} but does not give up on an interrupt: it waits out the full time and
     * leaves the interrupt flag set, as a blocking JDK socket read on a platform thread does.
     */
    default void parkUninterruptibly(long nanos) {
        long deadline = nanoTime() + nanos;
        boolean interrupted = false;
        try {
            for (long left = nanos; left > 0; left = deadline - nanoTime()) {
                try {
                    park(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    default UninterruptibleBlockingStrategy uninterruptibleBlockingStrategy() {
        return this::parkUninterruptibly;
    }

    default Ticker ticker() {
        return this::nanoTime;
    }

    default TimeMeter timeMeter() {
        GuardClock clock = this;
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return clock.nanoTime();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    default BlockingStrategy blockingStrategy() {
        return this::park;
    }
}
