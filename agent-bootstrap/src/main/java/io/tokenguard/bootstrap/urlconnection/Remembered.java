package io.tokenguard.bootstrap.urlconnection;

/**
 * A failure the JDK's HttpURLConnection remembers and throws again on every later call: the original
 * the first time it is thrown, then a chained copy of the same type (its getChainedException).
 */
final class Remembered {
    private final java.io.IOException failure;
    private boolean thrown;

    Remembered(java.io.IOException failure) {
        this.failure = failure;
    }

    /** @param first whether this call is the one that resolved the exchange */
    java.io.IOException next(boolean first) {
        if (first && !thrown) {
            thrown = true;
            return failure;
        }
        return chained(failure);
    }

    /** Like the JDK's getChainedException: same type, same message, the original as cause. */
    static java.io.IOException chained(java.io.IOException original) {
        try {
            java.io.IOException copy = original.getClass().getConstructor(String.class)
                    .newInstance(original.getMessage());
            copy.initCause(original);
            return copy;
        } catch (Throwable ignored) {
            return original;
        }
    }
}
