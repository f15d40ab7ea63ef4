package io.tokenguard.bootstrap;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * FOR TESTS ONLY: the fault-injection switch behind the setting {@code tokenguard.test.fail-stage}.
 * It exists so that black-box tests can prove the fail-open promise: with a stage armed, every
 * check of that stage throws, and the request must still reach the app exactly as without the agent.
 *
 * <p>Inert unless that setting is given: nothing is armed, and a check costs one volatile read
 * ({@link #check}, adapters) or one bit test of a final field ({@link #fire}, the engine). Checks sit
 * only on the token-request path, except {@link #MATCH}, whose check is a final-field test.
 *
 * <p>Armed checks throw alternately a RuntimeException and an Error (a {@link LinkageError}, as a
 * class missing at run time would), because fail-open must hold for any Throwable.
 */
public final class TestFaults {
    /** URL to endpoint rule: is this a token endpoint? */
    public static final int MATCH = 1;
    /** Reading grant, client, user and the credential fingerprint out of the request. */
    public static final int PARSE = 1 << 1;
    /** The token cache / single-flight table. */
    public static final int CACHE = 1 << 2;
    /** Per-identity limits and cooldowns. */
    public static final int THROTTLE = 1 << 3;
    /** The guard's listener: metrics and events. */
    public static final int TELEMETRY = 1 << 4;
    /** An adapter building the client's own response type from an answer that was not its own upstream call. */
    public static final int SYNTHETIC = 1 << 5;

    private static final String[] NAMES = {"match", "parse", "cache", "throttle", "telemetry", "synthetic"};

    /** Stages armed for adapters, which cannot see the agent's settings (set once at start-up). */
    private static volatile int armed;
    private static final AtomicInteger FIRED = new AtomicInteger();

    private TestFaults() {
    }

    /** Arms these stages for {@link #check}; 0 (the default) disarms all. */
    public static void arm(int stages) {
        armed = stages;
    }

    /** Adapters: throws if the stage is armed. */
    public static void check(int stage) {
        if ((armed & stage) != 0) {
            fail(stage);
        }
    }

    /** The engine, which holds the armed stages in a final field: throws if the stage is among them. */
    public static void fire(int stages, int stage) {
        if ((stages & stage) != 0) {
            fail(stage);
        }
    }

    /** The bit of a stage name, or 0 if there is no such stage. */
    public static int stage(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(name)) {
                return 1 << i;
            }
        }
        return 0;
    }

    /** The bits of these stage names (unknown names count for nothing). */
    public static int mask(Iterable<String> names) {
        int stages = 0;
        for (String name : names) {
            stages |= stage(name);
        }
        return stages;
    }

    /** Stage names in bit order. */
    public static String[] names() {
        return NAMES.clone();
    }

    private static void fail(int stage) {
        String name = NAMES[Integer.numberOfTrailingZeros(stage)];
        if ((FIRED.getAndIncrement() & 1) == 0) {
            throw new InjectedFault(name);
        }
        throw new InjectedError(name);
    }

    /** The RuntimeException an armed stage throws. */
    public static final class InjectedFault extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        InjectedFault(String stage) {
            super("tokenguard.test.fail-stage: injected fault in stage " + stage);
        }
    }

    /** The Error an armed stage throws every other time. */
    public static final class InjectedError extends LinkageError {
        private static final long serialVersionUID = 1L;

        InjectedError(String stage) {
            super("tokenguard.test.fail-stage: injected error in stage " + stage);
        }
    }
}
