package io.tokenguard.bench;

/**
 * Whether this benchmark JVM was started with the agent (BenchMain passes -Dtgbench.agent; not a tokenguard.* name, which the agent would warn about),
 * and a check that it really is attached: a comparison against a JVM where the agent silently stayed
 * off would measure nothing.
 */
final class AgentState {
    static final String PROPERTY = "tgbench.agent";

    private AgentState() {
    }

    static boolean expected() {
        return Boolean.getBoolean(PROPERTY);
    }

    static void verify() {
        boolean attached = bridgeDelegateInstalled();
        if (attached != expected()) {
            throw new IllegalStateException("agent expected " + expected() + " but attached=" + attached);
        }
    }

    private static boolean bridgeDelegateInstalled() {
        try {
            Class<?> bridge = Class.forName("io.tokenguard.bootstrap.Bridge", true, null);
            return bridge.getMethod("delegate").invoke(null) != null;
        } catch (ClassNotFoundException e) {
            return false;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
