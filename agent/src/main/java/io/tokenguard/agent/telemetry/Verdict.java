package io.tokenguard.agent.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The live verdict: the exit report computed from the in-process meters at the moment it is asked, so
 * a load-test runner can fail its run without stopping the server under test. Read over JMX and, when
 * the Prometheus endpoint is on, at {@code GET /tokenguard/verdict}.
 */
public final class Verdict implements VerdictMBean {
    static final String OBJECT_NAME = Exporters.JMX_DOMAIN + ":type=Verdict";

    private final MeterRegistry summary;
    private final CallSiteTally callSites;
    private final String mode;

    Verdict(MeterRegistry summary, CallSiteTally callSites, String mode) {
        this.summary = summary;
        this.callSites = callSites;
        this.mode = mode;
    }

    private RunReport now() {
        return RunReport.of(summary, mode, callSites);
    }

    @Override
    public String getVerdict() {
        return now().failed() ? "fail" : "pass";
    }

    @Override
    public String[] getReasons() {
        return now().reasons().toArray(new String[0]);
    }

    @Override
    public String getReport() {
        return now().toJson();
    }

    /** Registers it in the platform MBean server; null (one error line) when that cannot be done. */
    AutoCloseable publish() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(OBJECT_NAME);
            server.registerMBean(this, name);
            return () -> server.unregisterMBean(name);
        } catch (Throwable t) {
            AgentLog.error("cannot publish the live verdict over JMX as " + OBJECT_NAME + " ("
                    + t.getClass().getSimpleName() + "); set tokenguard.metrics.jmx=false to skip it");
            return null;
        }
    }
}
