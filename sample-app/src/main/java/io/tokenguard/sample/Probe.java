package io.tokenguard.sample;

import io.tokenguard.sample.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code --probe}: one request, then everything HttpURLConnection exposes about the answer in a
 * stable text form, so runs with and without an agent can be compared byte for byte.
 */
final class Probe {
    private static final Comparator<String> KEY_ORDER = Comparator.nullsFirst(
            String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder()));

    private Probe() {
    }

    /** Returns 0 when an HTTP answer was dumped, 1 when none could be had. */
    static int run(AppOptions options, PrintStream out) {
        HttpURLConnection c;
        int code;
        try {
            c = (HttpURLConnection) new URL(options.probe).openConnection();
            c.setRequestMethod(options.method);
            if (options.body != null) {
                c.setDoOutput(true);
                try (OutputStream os = c.getOutputStream()) {
                    os.write(options.body.getBytes(StandardCharsets.UTF_8));
                }
            }
            code = c.getResponseCode();
        } catch (IOException | RuntimeException e) {
            out.println("responseCode: " + describe(e));
            return 1;
        }
        out.println("responseCode: " + code);
        out.println("responseMessage: " + safe(() -> Json.quote(c.getResponseMessage())));
        out.println("headerField0: " + Json.quote(c.getHeaderField(0)));
        List<Map.Entry<String, List<String>>> headers = new ArrayList<>(c.getHeaderFields().entrySet());
        headers.sort(Map.Entry.comparingByKey(KEY_ORDER));
        for (Map.Entry<String, List<String>> h : headers) {
            if ("Date".equalsIgnoreCase(h.getKey())) {
                continue;
            }
            out.println("header: " + Json.quote(h.getKey()) + " " + quoteAll(h.getValue()));
        }
        out.println("contentType: " + Json.quote(c.getContentType()));
        out.println("contentLength: " + c.getContentLength());
        out.println("X-Multi: " + Json.quote(c.getHeaderField("X-Multi")));
        String input;
        try (InputStream in = c.getInputStream()) {
            input = "base64 " + base64(in);
        } catch (IOException e) {
            input = describe(e);
        }
        out.println("inputStream: " + input);
        String error;
        try (InputStream err = c.getErrorStream()) {
            error = err == null ? "null" : "base64 " + base64(err);
        } catch (IOException e) {
            error = describe(e);
        }
        out.println("errorStream: " + error);
        return 0;
    }

    private interface Io {
        String get() throws IOException;
    }

    private static String safe(Io call) {
        try {
            return call.get();
        } catch (IOException e) {
            return describe(e);
        }
    }

    private static String base64(InputStream in) throws IOException {
        return Base64.getEncoder().encodeToString(in.readAllBytes());
    }

    private static String describe(Exception e) {
        return "exception " + e.getClass().getName() + ": " + e.getMessage();
    }

    private static String quoteAll(List<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(Json.quote(values.get(i)));
        }
        return b.append(']').toString();
    }
}
