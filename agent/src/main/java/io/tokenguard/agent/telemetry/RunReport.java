package io.tokenguard.agent.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run's outcome at exit: the summary's numbers as JSON (schema tokenguard.report/1) and a
 * verdict, "fail" when any violation happened, with one reason per endpoint, kind and action.
 */
public final class RunReport {
    public static final String SCHEMA = "tokenguard.report/1";
    static final String KEY = "tokenguard.report.json";
    private static final JsonFactory JSON = JsonFactory.builder().build();
    /** Call sites listed per endpoint: the ones to fix first. */
    static final int TOP_CALL_SITES = 10;

    private final String mode;
    private final Map<String, long[]> rows;
    private final Map<String, ExitSummary.ClientRow> clientRows;
    private final List<String> reasons;
    private final Map<String, Long> agentErrors;
    private final CallSiteTally callSites;

    private RunReport(String mode, Map<String, long[]> rows, Map<String, ExitSummary.ClientRow> clientRows,
                      List<String> reasons, Map<String, Long> agentErrors, CallSiteTally callSites) {
        this.mode = mode;
        this.rows = rows;
        this.clientRows = clientRows;
        this.reasons = reasons;
        this.agentErrors = agentErrors;
        this.callSites = callSites;
    }

    /** The report of a run without call sites; registry is null when the telemetry never started. */
    public static RunReport of(MeterRegistry registry, String mode) {
        return of(registry, mode, new CallSiteTally());
    }

    /** The report of a run; registry is null when the telemetry never started. */
    public static RunReport of(MeterRegistry registry, String mode, CallSiteTally callSites) {
        if (registry == null) {
            return new RunReport(mode, Collections.<String, long[]>emptyMap(),
                    Collections.<String, ExitSummary.ClientRow>emptyMap(), Collections.<String>emptyList(),
                    Collections.<String, Long>emptyMap(), callSites);
        }
        Map<String, Long> byKind = new TreeMap<>();
        for (Counter c : registry.find("tokenguard.violations").counters()) {
            long n = (long) c.count();
            if (n > 0) {
                String reason = c.getId().getTag("endpoint") + ": " + c.getId().getTag("kind") + " ("
                        + c.getId().getTag("action") + ")";
                byKind.merge(reason, n, Long::sum);
            }
        }
        List<String> reasons = new ArrayList<>();
        for (Map.Entry<String, Long> e : byKind.entrySet()) {
            reasons.add(e.getKey() + " x" + e.getValue());
        }
        return new RunReport(mode, ExitSummary.rows(registry), ExitSummary.clientRows(registry), reasons,
                ExitSummary.agentErrors(registry), callSites);
    }

    /** The endpoint's call sites with the most violations, most first. */
    public List<CallSiteTally.Site> topCallSites(String endpoint) {
        return callSites.top(endpoint, TOP_CALL_SITES);
    }

    public boolean failed() {
        return !reasons.isEmpty();
    }

    public List<String> reasons() {
        return Collections.unmodifiableList(reasons);
    }

    public String toJson() {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("schema", SCHEMA);
            g.writeStringField("mode", mode);
            g.writeArrayFieldStart("endpoints");
            for (Map.Entry<String, long[]> e : rows.entrySet()) {
                long[] row = e.getValue();
                g.writeStartObject();
                g.writeStringField("endpoint", e.getKey());
                writeCounts(g, row);
                long peak = 0;
                for (ExitSummary.ClientRow c : clientRows.values()) {
                    peak = c.endpoint.equals(e.getKey()) ? Math.max(peak, c.peakPerMinute) : peak;
                }
                g.writeNumberField("maxUpstreamPerMinute", peak);
                g.writeArrayFieldStart("topCallSites");
                for (CallSiteTally.Site site : topCallSites(e.getKey())) {
                    g.writeStartObject();
                    g.writeStringField("callSite", site.callSite);
                    g.writeNumberField("violations", site.violations);
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeArrayFieldStart("clients");
                for (ExitSummary.ClientRow c : clientRows.values()) {
                    if (c.endpoint.equals(e.getKey())) {
                        writeClient(g, c);
                    }
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("agentErrors");
            for (Map.Entry<String, Long> e : agentErrors.entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeStringField("verdict", failed() ? "fail" : "pass");
            if (failed()) {
                g.writeArrayFieldStart("reasons");
                for (String reason : reasons) {
                    g.writeString(reason);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write report", e);
        }
        return out.toString();
    }

    private static void writeCounts(JsonGenerator g, long[] row) throws IOException {
        g.writeNumberField("requests", row[0]);
        g.writeNumberField("upstream", row[1]);
        g.writeObjectFieldStart("outcomes");
        for (int i = 0; i < ExitSummary.OUTCOMES.length; i++) {
            if (row[i + 2] > 0) {
                g.writeNumberField(ExitSummary.OUTCOMES[i], row[i + 2]);
            }
        }
        g.writeEndObject();
        g.writeNumberField("violations", row[row.length - 1]);
    }

    private static void writeClient(JsonGenerator g, ExitSummary.ClientRow c) throws IOException {
        g.writeStartObject();
        g.writeStringField("client", c.client);
        writeCounts(g, c.counts);
        g.writeNumberField("maxUpstreamPerMinute", c.peakPerMinute);
        g.writeObjectFieldStart("upstreamLatencyMs");
        if (!Double.isNaN(c.p50Millis)) {
            g.writeNumberField("p50", round(c.p50Millis));
        }
        if (!Double.isNaN(c.p99Millis)) {
            g.writeNumberField("p99", round(c.p99Millis));
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static double round(double millis) {
        return Math.round(millis * 10) / 10.0;
    }

    /** Writes the report (replacing the file); a failure costs one error line. */
    public void writeTo(String path) {
        try {
            OwnerOnlyFiles.replace(path, (toJson() + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            AgentLog.error("cannot write " + KEY + "=" + path + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
