package io.tokenguard.it.hostile;

import io.tokenguard.it.JavaProcess;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One {@code HOSTILE {...}} line of {@link HostileRunner}: what the app saw on one attempt. */
final class RunnerLine {
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(null|-?\\d+|\"((?:[^\"\\\\]|\\\\.)*)\")");

    final String caseId;
    final int attempt;
    final int status;
    final String step;
    final String exception;
    final String contentType;
    final String contentEncoding;
    final String marker;
    final String bodySha;
    final int bodyLength;
    private final String raw;

    private RunnerLine(Map<String, String> f, String raw) {
        this.caseId = f.get("case");
        this.attempt = Integer.parseInt(f.get("attempt"));
        this.status = Integer.parseInt(f.get("status"));
        this.step = f.get("step");
        this.exception = f.get("exception");
        this.contentType = f.get("contentType");
        this.contentEncoding = f.get("contentEncoding");
        this.marker = f.get("marker");
        this.bodySha = f.get("bodySha");
        this.bodyLength = Integer.parseInt(f.get("bodyLength"));
        this.raw = raw;
    }

    static Map<String, RunnerLine> byCaseAndAttempt(JavaProcess.Result run) {
        Map<String, RunnerLine> lines = new LinkedHashMap<>();
        run.stdout.lines().filter(l -> l.startsWith("HOSTILE ")).forEach(l -> {
            Map<String, String> f = new LinkedHashMap<>();
            Matcher m = FIELD.matcher(l);
            while (m.find()) {
                f.put(m.group(1), m.group(3) != null ? m.group(3).replace("\\\"", "\"").replace("\\\\", "\\")
                        : "null".equals(m.group(2)) ? null : m.group(2));
            }
            RunnerLine line = new RunnerLine(f, l);
            lines.put(line.caseId + "#" + line.attempt, line);
        });
        return lines;
    }

    @Override
    public String toString() {
        return raw.substring("HOSTILE ".length());
    }
}
