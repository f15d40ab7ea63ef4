package io.tokenguard.sample;

import io.tokenguard.sample.json.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs {@link SampleApp} in-process and keeps what it printed. */
final class AppRun {
    final int exitCode;
    final String out;
    final String err;

    private AppRun(int exitCode, String out, String err) {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    static AppRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SampleApp.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new AppRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The parsed SAMPLE-RESULT object; it must be the last line. */
    @SuppressWarnings("unchecked")
    Map<String, Object> result() {
        String[] lines = out.strip().split("\n");
        String last = lines[lines.length - 1];
        if (!last.startsWith("SAMPLE-RESULT ")) {
            throw new AssertionError("no SAMPLE-RESULT line in:\n" + out);
        }
        return (Map<String, Object>) JsonParser.parse(last.substring("SAMPLE-RESULT ".length()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> row(Map<String, Object> result, String provider, String identity) {
        for (Object o : (List<Object>) result.get("rows")) {
            Map<String, Object> row = (Map<String, Object>) o;
            if (provider.equals(row.get("provider")) && identity.equals(row.get("identity"))) {
                return row;
            }
        }
        throw new AssertionError("no row " + provider + "/" + identity + " in " + result);
    }
}
