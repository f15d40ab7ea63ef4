package io.tokenguard.agent.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;

/**
 * The run as one self-contained page: the per-endpoint table and an inline SVG chart of app
 * requests, upstream calls and violations per second. No script, no stylesheet link, no font or
 * image from anywhere: it opens from a CI artifact store or an air-gapped laptop alike. Written as
 * well-formed XHTML so tools (and the tests) can read it with any XML parser.
 */
public final class HtmlReport {
    static final String KEY = "tokenguard.report.html";
    static final String[] SERIES = {"requests", "upstream", "violations"};
    private static final String[] SERIES_TITLES = {"app requests", "upstream calls", "violations"};
    private static final String[] SERIES_COLOURS = {"#1f77b4", "#2ca02c", "#d62728"};
    private static final int WIDTH = 900;
    private static final int HEIGHT = 260;
    private static final int LEFT = 50;
    private static final int TOP = 20;
    private static final int PLOT_WIDTH = WIDTH - LEFT - 20;
    private static final int PLOT_HEIGHT = HEIGHT - TOP - 40;

    private HtmlReport() {
    }

    /** The page; registry and timeline are null when the telemetry never started. */
    public static String render(RunReport report, MeterRegistry registry, Timeline.Snapshot timeline, String mode) {
        Map<String, long[]> rows = registry == null ? Collections.<String, long[]>emptyMap()
                : ExitSummary.rows(registry);
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<title>TokenGuard report</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:1.5em;color:#222}")
                .append("table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:2px 8px;text-align:right}")
                .append("th:first-child,td:first-child{text-align:left}.fail{color:#d62728}.pass{color:#2ca02c}\n")
                .append("</style>\n</head>\n<body>\n<h1>TokenGuard report</h1>\n");
        h.append("<p>mode <b>").append(escape(mode)).append("</b>, verdict <b id=\"verdict\" class=\"")
                .append(report.failed() ? "fail\">fail" : "pass\">pass").append("</b></p>\n");
        if (report.failed()) {
            h.append("<ul id=\"reasons\">\n");
            for (String reason : report.reasons()) {
                h.append("<li>").append(escape(reason)).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        table(h, rows);
        callSites(h, report, rows);
        h.append("<h2>Per second</h2>\n");
        chart(h, timeline);
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void table(StringBuilder h, Map<String, long[]> rows) {
        if (rows.isEmpty()) {
            h.append("<p>No token request was seen.</p>\n");
            return;
        }
        h.append("<table id=\"endpoints\">\n<tr><th>endpoint</th><th>requests</th><th>upstream</th>");
        for (String title : ExitSummary.TITLES) {
            h.append("<th>").append(escape(title)).append("</th>");
        }
        h.append("<th>violations</th></tr>\n");
        for (Map.Entry<String, long[]> e : rows.entrySet()) {
            h.append("<tr><td>").append(escape(e.getKey())).append("</td>");
            for (long n : e.getValue()) {
                h.append("<td>").append(n).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    /** Where in the app the violating requests were made, per endpoint: the code to fix first. */
    private static void callSites(StringBuilder h, RunReport report, Map<String, long[]> rows) {
        boolean any = false;
        for (String endpoint : rows.keySet()) {
            java.util.List<CallSiteTally.Site> sites = report.topCallSites(endpoint);
            if (sites.isEmpty()) {
                continue;
            }
            if (!any) {
                h.append("<h2>Top call sites</h2>\n<table id=\"call-sites\">\n")
                        .append("<tr><th>endpoint</th><th>call site (class.method:line)</th><th>violations</th></tr>\n");
                any = true;
            }
            for (CallSiteTally.Site site : sites) {
                h.append("<tr><td>").append(escape(endpoint)).append("</td><td style=\"text-align:left\">")
                        .append(escape(site.callSite)).append("</td><td>").append(site.violations).append("</td></tr>\n");
            }
        }
        if (any) {
            h.append("</table>\n");
        }
    }

    private static void chart(StringBuilder h, Timeline.Snapshot t) {
        if (t == null || t.seconds() == 0) {
            h.append("<p>No token request was seen.</p>\n");
            return;
        }
        long[][] series = {t.requests, t.upstream, t.violations};
        long max = 1;
        for (long[] s : series) {
            for (long n : s) {
                max = Math.max(max, n);
            }
        }
        int n = t.seconds();
        h.append("<p>From ").append(Instant.ofEpochSecond(t.startSecond)).append(", ").append(n)
                .append(" s, peak ").append(max).append(" per second");
        if (t.droppedSeconds > 0) {
            h.append(" (the first ").append(t.droppedSeconds).append(" s of the run are not kept)");
        }
        h.append(".</p>\n");
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"timeline\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" data-start=\"").append(t.startSecond).append("\" data-seconds=\"")
                .append(n).append("\">\n");
        h.append("<title>app requests, upstream calls and violations per second</title>\n");
        int bottom = TOP + PLOT_HEIGHT;
        h.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(bottom).append("\" x2=\"")
                .append(LEFT + PLOT_WIDTH).append("\" y2=\"").append(bottom).append("\" stroke=\"#888\"/>\n");
        h.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" x2=\"").append(LEFT)
                .append("\" y2=\"").append(bottom).append("\" stroke=\"#888\"/>\n");
        label(h, LEFT - 6, TOP + 4, "end", Long.toString(max));
        label(h, LEFT - 6, bottom + 4, "end", "0");
        label(h, LEFT, bottom + 16, "start", "0 s");
        label(h, LEFT + PLOT_WIDTH, bottom + 16, "end", (n - 1) + " s");
        for (int k = 0; k < series.length; k++) {
            h.append("<polyline class=\"series\" data-series=\"").append(SERIES[k]).append("\" fill=\"none\" stroke=\"")
                    .append(SERIES_COLOURS[k]).append("\" stroke-width=\"1.5\" points=\"");
            for (int i = 0; i < n; i++) {
                // One point is no line: a lone second is drawn as a flat step across the chart.
                double x = LEFT + (n == 1 ? 0 : (double) i * PLOT_WIDTH / (n - 1));
                double y = bottom - (double) series[k][i] * PLOT_HEIGHT / max;
                h.append(i == 0 ? "" : " ").append(coordinate(x)).append(',').append(coordinate(y));
                if (n == 1) {
                    h.append(' ').append(LEFT + PLOT_WIDTH).append(',').append(coordinate(y));
                }
            }
            h.append("\" data-values=\"");
            for (int i = 0; i < n; i++) {
                h.append(i == 0 ? "" : " ").append(series[k][i]);
            }
            h.append("\"/>\n");
            int legendX = LEFT + 10 + k * 160;
            h.append("<rect x=\"").append(legendX).append("\" y=\"").append(bottom + 26).append("\" width=\"12\" height=\"4\" fill=\"")
                    .append(SERIES_COLOURS[k]).append("\"/>\n");
            label(h, legendX + 16, bottom + 31, "start", SERIES_TITLES[k]);
        }
        h.append("</svg>\n");
    }

    private static void label(StringBuilder h, int x, int y, String anchor, String text) {
        h.append("<text x=\"").append(x).append("\" y=\"").append(y).append("\" text-anchor=\"").append(anchor)
                .append("\" font-size=\"11\">").append(escape(text)).append("</text>\n");
    }

    private static String coordinate(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '&': b.append("&amp;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&#39;"); break;
                default: b.append(c);
            }
        }
        return b.toString();
    }

    /** Writes the page (replacing the file); a failure costs one error line naming the key and path. */
    public static void writeTo(String path, RunReport report, MeterRegistry registry, Timeline timeline, String mode) {
        try {
            String page = render(report, registry, timeline == null ? null : timeline.snapshot(), mode);
            OwnerOnlyFiles.replace(path, page.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            AgentLog.error("cannot write " + KEY + "=" + path + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
