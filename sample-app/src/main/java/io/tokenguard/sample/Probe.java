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
 * {@code --probe}: requests, each followed by everything the client exposes about its answer in a
 * stable text form, so runs with and without an agent can be compared byte for byte. HttpURLConnection
 * gets its own detailed dump; the library clients the status, reason, headers and body they returned.
 */
final class Probe {
    private static final Comparator<String> KEY_ORDER = Comparator.nullsFirst(
            String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder()));

    private Probe() {
    }

    /** Returns 0 when every probe's HTTP answer was dumped, 1 when one could not be had. */
    static int run(AppOptions options, PrintStream out) {
        int exit = 0;
        for (String spec : options.probes) {
            String[] parts = spec.split(" ", 3);
            String method = parts.length > 1 ? parts[0].toUpperCase(java.util.Locale.ROOT) : options.method;
            String url = parts.length > 1 ? parts[1] : parts[0];
            String body = parts.length > 2 ? parts[2] : options.body;
            if (options.probes.size() > 1) {
                out.println("probe: " + method + " " + url + " via " + options.clientOf(1));
            }
            int result = "urlconnection".equals(options.clientOf(1)) ? urlConnection(method, url, body, out)
                    : library(method, url, body, out);
            exit = Math.max(exit, result);
        }
        return exit;
    }

    /** Through the chosen library client: what any of them returns, in one neutral form. */
    private static int library(String method, String url, String body, PrintStream out) {
        HttpCall.Response r;
        try {
            r = HttpCall.send(method, url, java.util.Collections.emptyMap(), body);
        } catch (IOException | RuntimeException e) {
            out.println("status: " + describe(e));
            return 1;
        }
        out.println("status: " + r.status);
        out.println("reason: " + Json.quote(r.reason));
        List<String[]> headers = new ArrayList<>(r.headers);
        headers.sort(Comparator.comparing((String[] h) -> h[0], KEY_ORDER));
        for (String[] h : headers) {
            if (!"Date".equalsIgnoreCase(h[0])) {
                out.println("header: " + Json.quote(h[0]) + " " + Json.quote(h[1]));
            }
        }
        out.println("body: " + Json.quote(r.body));
        return 0;
    }

    private static int urlConnection(String method, String url, String body, PrintStream out) {
        HttpURLConnection c;
        int code;
        try {
            c = (HttpURLConnection) new URL(url).openConnection();
            c.setRequestMethod(method);
            if (body != null) {
                c.setDoOutput(true);
                try (OutputStream os = c.getOutputStream()) {
                    os.write(body.getBytes(StandardCharsets.UTF_8));
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
