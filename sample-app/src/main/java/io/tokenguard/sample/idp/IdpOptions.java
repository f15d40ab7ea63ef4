package io.tokenguard.sample.idp;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** Immutable knobs of the emulated IdP; every {@code withXxx} returns a changed copy. */
public final class IdpOptions {
    private final Duration eloquaWindow;
    private final int twitterMaxCalls;
    private final Duration twitterWindow;
    private final Duration twitterLockout;
    private final Duration accessTokenLifetime;
    private final Clock clock;
    private final int threads;

    private IdpOptions(Duration eloquaWindow, int twitterMaxCalls, Duration twitterWindow,
            Duration twitterLockout, Duration accessTokenLifetime, Clock clock, int threads) {
        this.eloquaWindow = nonNegative(eloquaWindow, "eloquaWindow");
        if (twitterMaxCalls < 0) {
            throw new IllegalArgumentException("twitterMaxCalls must be >= 0");
        }
        this.twitterMaxCalls = twitterMaxCalls;
        this.twitterWindow = positive(twitterWindow, "twitterWindow");
        this.twitterLockout = positive(twitterLockout, "twitterLockout");
        this.accessTokenLifetime = positive(accessTokenLifetime, "accessTokenLifetime");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1");
        }
        this.threads = threads;
    }

    /** The values the seed documents describe: 60 s Eloqua window, 8 h tokens, 10 Twitter calls per minute. */
    public static IdpOptions defaults() {
        return new IdpOptions(Duration.ofSeconds(60), 10, Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofHours(8), Clock.systemUTC(), 16);
    }

    /** Eloqua's one initiation per user in this window; zero: no such limit (every sign-in is admitted). */
    public IdpOptions withEloquaWindow(Duration d) {
        return new IdpOptions(d, twitterMaxCalls, twitterWindow, twitterLockout, accessTokenLifetime, clock, threads);
    }

    public IdpOptions withTwitterMaxCalls(int n) {
        return new IdpOptions(eloquaWindow, n, twitterWindow, twitterLockout, accessTokenLifetime, clock, threads);
    }

    public IdpOptions withTwitterWindow(Duration d) {
        return new IdpOptions(eloquaWindow, twitterMaxCalls, d, twitterLockout, accessTokenLifetime, clock, threads);
    }

    public IdpOptions withTwitterLockout(Duration d) {
        return new IdpOptions(eloquaWindow, twitterMaxCalls, twitterWindow, d, accessTokenLifetime, clock, threads);
    }

    /** Lifetime of Eloqua access tokens; {@code expires_in} reports it in whole seconds. */
    public IdpOptions withAccessTokenLifetime(Duration d) {
        return new IdpOptions(eloquaWindow, twitterMaxCalls, twitterWindow, twitterLockout, d, clock, threads);
    }

    /** Time source for windows, lockouts and expiry; tests pass a {@link ManualClock}. */
    public IdpOptions withClock(Clock c) {
        return new IdpOptions(eloquaWindow, twitterMaxCalls, twitterWindow, twitterLockout, accessTokenLifetime, c, threads);
    }

    /** Size of the request-handling pool; it must exceed a test's concurrency or requests queue. */
    public IdpOptions withThreads(int n) {
        return new IdpOptions(eloquaWindow, twitterMaxCalls, twitterWindow, twitterLockout, accessTokenLifetime, clock, n);
    }

    public Duration eloquaWindow() {
        return eloquaWindow;
    }

    public int twitterMaxCalls() {
        return twitterMaxCalls;
    }

    public Duration twitterWindow() {
        return twitterWindow;
    }

    public Duration twitterLockout() {
        return twitterLockout;
    }

    public Duration accessTokenLifetime() {
        return accessTokenLifetime;
    }

    public Clock clock() {
        return clock;
    }

    public int threads() {
        return threads;
    }

    private static Duration nonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
        return d;
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return d;
    }

    @Override
    public String toString() {
        return "IdpOptions{eloquaWindow=" + eloquaWindow + ", twitterMaxCalls=" + twitterMaxCalls
                + ", twitterWindow=" + twitterWindow + ", twitterLockout=" + twitterLockout
                + ", accessTokenLifetime=" + accessTokenLifetime + ", threads=" + threads + '}';
    }
}
