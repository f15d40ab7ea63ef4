package io.tokenguard.sample;

/**
 * Reports whether a TokenGuard agent put its bridge on the boot class path. Only for the printout:
 * the app behaves identically either way.
 */
final class AgentCheck {
    private AgentCheck() {
    }

    static boolean attached() {
        try {
            // The boot loader only: the sample's own class path never holds the bridge.
            Class.forName("io.tokenguard.bootstrap.Bridge", false, null);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
