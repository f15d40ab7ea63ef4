package io.tokenguard.agent;

import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.ConfigLoader;
import io.tokenguard.agent.config.ConfigResult;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.telemetry.AgentLog;
import java.lang.instrument.Instrumentation;

/**
 * Entry point of {@code -javaagent:tokenguard-agent.jar[=key=value,...]} and of runtime attach.
 * Kept lean: read settings, put the bridge on the bootstrap class path, install the few
 * transformations. The guard itself (caches, metrics) is built on the first token request.
 *
 * <p>This class must not name any bootstrap type: those only become loadable after
 * {@link BootstrapJar#appendTo} has run.
 */
public final class TokenGuardAgent {
    private static volatile boolean started;

    private TokenGuardAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    private static synchronized void start(String args, Instrumentation inst, boolean attached) {
        try {
            startGuarded(args, inst, attached);
        } catch (StrictModeRefusal refusal) {
            throw refusal;
        } catch (Throwable t) {
            // Never break the host app: whatever went wrong, the JVM starts without TokenGuard.
            AgentLog.error("could not start (" + t.getClass().getName() + "); the application runs unguarded");
        }
    }

    private static void startGuarded(String args, Instrumentation inst, boolean attached) {
        if (started) {
            AgentLog.warn("already running in this JVM; the second start was ignored");
            return;
        }
        ConfigResult config;
        try {
            config = ConfigLoader.load(args, System.getenv(), System.getProperties());
        } catch (Throwable t) {
            AgentLog.error("cannot read the configuration (" + t.getClass().getName() + "); TokenGuard stays off");
            return;
        }
        for (String warning : config.warnings()) {
            AgentLog.warn(warning);
        }
        if (!config.ok()) {
            for (String error : config.errors()) {
                AgentLog.error(error);
            }
            if (config.strict()) {
                throw new StrictModeRefusal("invalid configuration and tokenguard.strict=true: "
                        + String.join("; ", config.errors()));
            }
            AgentLog.error("TokenGuard stays off; the application runs unguarded");
            return;
        }
        AgentSettings settings = config.settings();
        if (settings.mode() == Mode.OFF) {
            return;
        }
        try {
            BootstrapJar.appendTo(inst);
            AgentInstaller.install(inst, settings, attached);
            started = true;
        } catch (Throwable t) {
            if (settings.strict()) {
                throw new StrictModeRefusal("could not start: " + t, t);
            }
            AgentLog.error("could not start (" + t.getClass().getName() + ": " + t.getMessage()
                    + "); the application runs unguarded");
        }
    }

    /** The only exception premain lets escape: the user asked for a refusal to start (strict mode). */
    static final class StrictModeRefusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StrictModeRefusal(String message) {
            super("tokenguard: " + message);
        }

        StrictModeRefusal(String message, Throwable cause) {
            super("tokenguard: " + message, cause);
        }
    }
}
