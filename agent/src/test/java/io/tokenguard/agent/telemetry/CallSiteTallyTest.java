package io.tokenguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.guard.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Top call sites per endpoint, bounded, in the JSON and HTML reports (issue 15 §2). */
class CallSiteTallyTest {
    private static Violation at(String endpoint, String site) {
        return new Violation(endpoint, "c", "h", "password", Violation.LOCAL_LIMIT, Violation.REJECTED, 60, "1/60s",
                "okhttp", 1, "h", site);
    }

    @Test
    void sitesAreCountedPerEndpointMostFirst() {
        CallSiteTally tally = new CallSiteTally();
        for (int i = 0; i < 3; i++) {
            tally.record(at("eloqua", "com.acme.Billing.refresh:42"));
        }
        tally.record(at("eloqua", "com.acme.Reports.token:7"));
        tally.record(at("twitter", "com.acme.Feed.bearer:9"));
        List<CallSiteTally.Site> top = tally.top("eloqua", 10);
        assertThat(top).extracting(s -> s.callSite).containsExactly("com.acme.Billing.refresh:42",
                "com.acme.Reports.token:7");
        assertThat(top).extracting(s -> s.violations).containsExactly(3L, 1L);
        assertThat(tally.top("twitter", 10)).hasSize(1);
        assertThat(tally.top("okta", 10)).isEmpty();
    }

    @Test
    void pastItsBoundNewSitesCountAsOtherAndNothingIsLost() {
        CallSiteTally tally = new CallSiteTally();
        int sites = CallSiteTally.MAX_SITES + 50;
        for (int i = 0; i < sites; i++) {
            tally.record(at("eloqua", "com.acme.Generated" + i + ".call:1"));
        }
        List<CallSiteTally.Site> all = tally.top("eloqua", Integer.MAX_VALUE);
        assertThat(all).hasSize(CallSiteTally.MAX_SITES + 1);
        assertThat(all.get(0).callSite).isEqualTo(CallSiteTally.OTHER);
        assertThat(all.get(0).violations).isEqualTo(50);
        assertThat(all.stream().mapToLong(s -> s.violations).sum()).isEqualTo(sites);
    }

    @Test
    void theReportsListTheTopCallSites() {
        try (Telemetry telemetry = new Telemetry()) {
            telemetry.onViolation(at("eloqua", "com.acme.Billing.refresh:42"));
            telemetry.onViolation(at("eloqua", "com.acme.Billing.refresh:42"));
            telemetry.onViolation(at("eloqua", "com.acme.Reports.token:7"));
            telemetry.onRequest(new io.tokenguard.agent.guard.RequestEvent("eloqua", "password", "okhttp", "-",
                    "throttled"));
            RunReport report = RunReport.of(telemetry.summaryRegistry(), "enforce", telemetry.callSites());
            assertThat(report.toJson()).contains("\"topCallSites\":[{\"callSite\":\"com.acme.Billing.refresh:42\","
                    + "\"violations\":2},{\"callSite\":\"com.acme.Reports.token:7\",\"violations\":1}]");
            String page = HtmlReport.render(report, telemetry.summaryRegistry(), null, "enforce");
            assertThat(page).contains("<table id=\"call-sites\">", "com.acme.Billing.refresh:42</td><td>2</td>");
        }
    }
}
