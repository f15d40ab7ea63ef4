package io.tokenguard.agent.telemetry;

/** The guardrail's verdict while the JVM runs, as JMX shows it ({@code tokenguard:type=Verdict}). */
public interface VerdictMBean {
    /** "pass", or "fail" once any violation happened. */
    String getVerdict();

    /** One reason per endpoint, kind and action ("eloqua: local_limit (rejected) x5"); empty when passing. */
    String[] getReasons();

    /** The whole report as the exit's JSON report would give it now (schema tokenguard.report/1). */
    String getReport();
}
