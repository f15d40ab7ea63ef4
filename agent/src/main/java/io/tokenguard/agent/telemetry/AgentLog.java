package io.tokenguard.agent.telemetry;

import java.io.PrintStream;

/**
 * TokenGuard's few human-readable lines, on stderr with a fixed prefix. The JVM's own stderr
 * stream is captured at start so an app that replaces System.err does not swallow them.
 */
public final class AgentLog {
    private static final PrintStream ERR = System.err;

    private AgentLog() {
    }

    public static void info(String message) {
        ERR.println("tokenguard: " + message);
    }

    public static void warn(String message) {
        ERR.println("tokenguard: WARNING: " + message);
    }

    public static void error(String message) {
        ERR.println("tokenguard: ERROR: " + message);
    }

    /** Raw line (JSON events, report tables). */
    public static void raw(String line) {
        ERR.println(line);
    }
}
