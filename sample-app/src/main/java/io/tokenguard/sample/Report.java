package io.tokenguard.sample;

import io.tokenguard.sample.json.Json;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The human table and the one-line {@code SAMPLE-RESULT} JSON that tests parse. */
final class Report {
    static final String RESULT_PREFIX = "SAMPLE-RESULT ";
    private static final String ROW_FORMAT = "%-8s %-16s %7s %9s %-24s %7s %10s %15s %11s%n";

    private Report() {
    }

    static void table(PrintStream out, String title, Tally tally) {
        out.println(title);
        out.printf(ROW_FORMAT, "provider", "identity", "asked", "token 2xx", "other statuses",
                "api ok", "api failed", "distinct tokens", "reached IdP");
        for (Row r : tally.rows()) {
            out.printf(ROW_FORMAT, r.provider, r.identity, r.asked(), r.tokenOk(), otherStatuses(r),
                    r.apiOkCount(), r.apiFailedCount(), r.distinctTokens(),
                    r.idpCalls() < 0 ? "?" : Integer.toString(r.idpCalls()));
        }
        out.println("errors: " + tally.errors());
    }

    /** e.g. {@code 429x398 io x2}; 2xx answers have their own column. */
    static String otherStatuses(Row r) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Integer> e : r.statuses().entrySet()) {
            if (e.getKey().length() == 3 && e.getKey().charAt(0) == '2') {
                continue;
            }
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(e.getKey()).append('x').append(e.getValue());
        }
        if (r.unreadableCount() > 0) {
            b.append(b.length() > 0 ? " " : "").append("no-token x").append(r.unreadableCount());
        }
        return b.length() == 0 ? "-" : b.toString();
    }

    static String resultJson(boolean agent, Tally total, List<Tally> rounds, AppOptions options, long elapsedMillis,
                             List<String> newLiveThreads) {
        StringBuilder b = new StringBuilder("{\"agent\":").append(agent);
        b.append(",\"rows\":");
        rows(b, total);
        b.append(",\"errors\":").append(total.errors());
        b.append(",\"interceptors\":{\"application\":").append(InterceptorCalls.APPLICATION.get())
                .append(",\"network\":").append(InterceptorCalls.NETWORK.get()).append('}');
        if (rounds.size() > 1) {
            b.append(",\"rounds\":[");
            for (int i = 0; i < rounds.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                b.append("{\"round\":").append(i + 1).append(",\"client\":").append(Json.quote(options.clientOf(i + 1)))
                        .append(",\"rows\":");
                rows(b, rounds.get(i));
                b.append(",\"errors\":").append(rounds.get(i).errors()).append('}');
            }
            b.append(']');
        }
        b.append(",\"newLiveThreads\":[");
        for (int i = 0; i < newLiveThreads.size(); i++) {
            b.append(i > 0 ? "," : "").append(Json.quote(newLiveThreads.get(i)));
        }
        b.append(']');
        return b.append(",\"elapsedMs\":").append(elapsedMillis).append('}').toString();
    }

    private static void rows(StringBuilder b, Tally tally) {
        b.append('[');
        Iterator<Row> it = tally.rows().iterator();
        while (it.hasNext()) {
            row(b, it.next());
            if (it.hasNext()) {
                b.append(',');
            }
        }
        b.append(']');
    }

    private static void row(StringBuilder b, Row r) {
        b.append("{\"provider\":").append(Json.quote(r.provider));
        b.append(",\"identity\":").append(Json.quote(r.identity));
        b.append(",\"asked\":").append(r.asked());
        b.append(",\"statuses\":{");
        Iterator<Map.Entry<String, Integer>> s = r.statuses().entrySet().iterator();
        while (s.hasNext()) {
            Map.Entry<String, Integer> e = s.next();
            b.append(Json.quote(e.getKey())).append(':').append(e.getValue());
            if (s.hasNext()) {
                b.append(',');
            }
        }
        b.append('}');
        b.append(",\"unreadable\":").append(r.unreadableCount());
        b.append(",\"apiOk\":").append(r.apiOkCount());
        b.append(",\"apiFailed\":").append(r.apiFailedCount());
        b.append(",\"distinctTokens\":").append(r.distinctTokens());
        b.append(",\"apiUsers\":[");
        Iterator<String> u = r.apiUsers().iterator();
        while (u.hasNext()) {
            b.append(Json.quote(u.next()));
            if (u.hasNext()) {
                b.append(',');
            }
        }
        b.append(']');
        b.append(",\"tokens\":[");
        Iterator<String> t = r.tokenFingerprints().iterator();
        while (t.hasNext()) {
            b.append(Json.quote(t.next()));
            if (t.hasNext()) {
                b.append(',');
            }
        }
        b.append(']');
        b.append(",\"maxTokenMs\":").append(r.maxTokenMillis());
        b.append(",\"idpCalls\":").append(r.idpCalls()).append('}');
    }
}
