package io.tokenguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.guard.RequestEvent;
import io.tokenguard.agent.guard.Violation;
import org.junit.jupiter.api.Test;

/** Swallowed faults are counted per stage and shown where people look: exit summary and JSON report. */
class AgentErrorsReportTest {
    @Test
    void faultsAreCountedPerStageAndReported() {
        Telemetry telemetry = new Telemetry();
        for (int i = 0; i < 3; i++) {
            telemetry.onFault("parse", new IllegalStateException("boom " + i));
        }
        telemetry.onFault("synthetic", new LinkageError("gone"));

        assertThat(ExitSummary.lines(telemetry.summaryRegistry(), "enforce")).containsExactly(
                "tokenguard: internal faults (tokenguard.agent.errors; those requests went through untouched):"
                        + " parse x3 synthetic x1");
        String json = RunReport.of(telemetry.summaryRegistry(), "enforce").toJson();
        assertThat(json).contains("\"agentErrors\":{\"parse\":3,\"synthetic\":1}", "\"verdict\":\"pass\"");
    }

    @Test
    void aRunWithoutFaultsHasAnEmptyAgentErrorsObjectAndNoFaultLine() {
        Telemetry telemetry = new Telemetry();
        telemetry.onRequest(new RequestEvent("eloqua", "password", "c", "-", "upstream"));
        telemetry.onViolation(new Violation("eloqua", "c", "u", "password", Violation.LOCAL_LIMIT, Violation.REJECTED,
                60, "1/60s"));

        assertThat(ExitSummary.lines(telemetry.summaryRegistry(), "enforce")).noneMatch(l -> l.contains("internal"));
        assertThat(RunReport.of(telemetry.summaryRegistry(), "enforce").toJson()).contains("\"agentErrors\":{}");
    }
}
