package io.tokenguard.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.instrument.Instrumentations;
import io.tokenguard.agent.telemetry.AgentLog;
import io.tokenguard.agent.telemetry.ExitSummary;
import io.tokenguard.agent.telemetry.HtmlReport;
import io.tokenguard.agent.telemetry.RunReport;
import io.tokenguard.agent.telemetry.Telemetry;
import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.TestFaults;
import java.lang.instrument.Instrumentation;

/** Wires the delegate into the bridge, installs the transformations and the exit summary. */
final class AgentInstaller {
    private AgentInstaller() {
    }

    static void install(Instrumentation inst, AgentSettings settings, boolean attached) throws Exception {
        TokenGuardDelegate delegate = new TokenGuardDelegate(settings);
        Bridge.install(delegate);
        if (!settings.testFailStages().isEmpty()) {
            // Tests only: the adapters' stages are armed here, the engine's are read from the settings.
            TestFaults.arm(TestFaults.mask(settings.testFailStages()));
            AgentLog.warn("tokenguard.test.fail-stage=" + String.join(",", settings.testFailStages())
                    + ": faults are injected on purpose (a test switch, never for production)");
        }
        Instrumentations.install(inst);
        if (settings.prometheusPort() > 0) {
            // A scrape must answer before the first token request: start the telemetry now.
            try {
                delegate.startTelemetry();
            } catch (Throwable t) {
                AgentLog.error("cannot start the metrics exporters (" + t.getClass().getSimpleName() + ")");
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> atExit(delegate, settings), "tokenguard-exit-summary"));
        AgentLog.info("guarding " + settings.catalog().rules().size() + " token endpoints in "
                + settings.mode().tag() + " mode" + (attached ? " (attached at runtime)" : ""));
    }

    /** Summary table, JSON report, exporters closed; last, the opt-in guardrail's exit status. */
    private static void atExit(TokenGuardDelegate delegate, AgentSettings settings) {
        boolean failed = false;
        try {
            String mode = settings.mode().tag();
            Telemetry telemetry = delegate.telemetryIfStarted().orElse(null);
            MeterRegistry registry = telemetry == null ? null : telemetry.summaryRegistry();
            if (registry == null && settings.reportJson() == null) {
                // No token request was ever made: nothing to summarise, no verdict to give.
                return;
            }
            if (registry != null) {
                for (String line : ExitSummary.lines(registry, mode)) {
                    AgentLog.raw(line);
                }
            }
            RunReport report = telemetry == null ? RunReport.of(registry, mode)
                    : RunReport.of(registry, mode, telemetry.callSites());
            failed = report.failed();
            if (settings.reportJson() != null) {
                report.writeTo(settings.reportJson());
            }
            if (settings.reportHtml() != null) {
                HtmlReport.writeTo(settings.reportHtml(), report, registry,
                        telemetry == null ? null : telemetry.timeline(), mode);
            }
            if (telemetry != null) {
                telemetry.close();
            }
            if (failed && settings.failExitCode() > 0) {
                AgentLog.error("guardrail: " + String.join("; ", report.reasons()) + "; exit status "
                        + settings.failExitCode() + " (tokenguard.guardrail.fail-exit-code)");
            }
        } catch (Throwable ignored) {
            // Never disturb the JVM's exit.
        }
        if (failed && settings.failExitCode() > 0) {
            Runtime.getRuntime().halt(settings.failExitCode());
        }
    }
}
