package io.tokenguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.guard.RequestEvent;
import java.lang.management.ManagementFactory;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class TelemetryJmxTest {
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    @Test
    void aRecordedRequestIsAnMBeanInTheTokenguardDomain() throws Exception {
        try (Telemetry telemetry = Telemetry.start(AgentSettings.builder().build())) {
            assertThat(SERVER.queryNames(new ObjectName("tokenguard:*"), null)).isEmpty();
            telemetry.startJmx();
            telemetry.onRequest(new RequestEvent("eloqua", "password", "sample-app-client", "-", "cache"));
            telemetry.onRequest(new RequestEvent("eloqua", "password", "sample-app-client", "-", "cache"));

            Set<ObjectName> names = SERVER.queryNames(new ObjectName("tokenguard:*"), null);
            ObjectName requests = names.stream()
                    .filter(n -> n.toString().contains("tokenguardRequests") && n.toString().contains("cache"))
                    .findFirst().orElseThrow(() -> new AssertionError("no request MBean in " + names));
            assertThat(((Number) SERVER.getAttribute(requests, "Count")).longValue()).isEqualTo(2);
            assertThat(ExitSummary.rows(telemetry.summaryRegistry()).get("eloqua")[0]).isEqualTo(2);
        }
        assertThat(SERVER.queryNames(new ObjectName("tokenguard:*"), null)).isEmpty();
    }

    @Test
    void jmxOffPublishesNoMBean() throws Exception {
        try (Telemetry telemetry = Telemetry.start(AgentSettings.builder().metricsJmx(false).build())) {
            telemetry.startJmx();
            telemetry.onRequest(new RequestEvent("eloqua", "password", "sample-app-client", "-", "cache"));

            assertThat(SERVER.queryNames(new ObjectName("tokenguard:*"), null)).isEmpty();
            assertThat(ExitSummary.rows(telemetry.summaryRegistry()).get("eloqua")[0]).isEqualTo(1);
        }
    }
}
