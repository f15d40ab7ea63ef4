package io.tokenguard.agent;

import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.instrument.Instrumentations;
import io.tokenguard.agent.telemetry.AgentLog;
import io.tokenguard.agent.telemetry.ExitSummary;
import io.tokenguard.bootstrap.Bridge;
import java.lang.instrument.Instrumentation;

/** Wires the delegate into the bridge, installs the transformations and the exit summary. */
final class AgentInstaller {
    private AgentInstaller() {
    }

    static void install(Instrumentation inst, AgentSettings settings, boolean attached) throws Exception {
        TokenGuardDelegate delegate = new TokenGuardDelegate(settings);
        Bridge.install(delegate);
        Instrumentations.install(inst);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                delegate.telemetryIfStarted().ifPresent(t -> {
                    for (String line : ExitSummary.lines(t.registry(), settings.mode().name().toLowerCase())) {
                        AgentLog.raw(line);
                    }
                });
            } catch (Throwable ignored) {
                // Never disturb the JVM's exit.
            }
        }, "tokenguard-exit-summary"));
        AgentLog.info("guarding " + settings.catalog().rules().size() + " token endpoints in "
                + settings.mode().name().toLowerCase() + " mode" + (attached ? " (attached at runtime)" : ""));
    }
}
