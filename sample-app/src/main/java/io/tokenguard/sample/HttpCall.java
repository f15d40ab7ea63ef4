package io.tokenguard.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One request the way countless apps write it: {@code openConnection}, set the method, write the
 * body through {@code getOutputStream}, then {@code getResponseCode} and the input or error
 * stream. This exact call pattern is what an agent has to intercept.
 */
final class HttpCall {
    private static final int TIMEOUT_MILLIS = 15_000;

    /** Status and body text of an answer, with its reason phrase and headers (name, value) as the client gave them. */
    static final class Response {
        final int status;
        final String body;
        final String reason;
        final java.util.List<String[]> headers;

        Response(int status, String body) {
            this(status, null, java.util.List.of(), body);
        }

        Response(int status, String reason, java.util.List<String[]> headers, String body) {
            this.status = status;
            this.body = body;
            this.reason = reason;
            this.headers = headers;
        }
    }

    /** Which HTTP client the app uses: urlconnection (default), jdkhttp, jdkhttp-async, okhttp, okhttp-async, apache4, apache4-handler, apache5, apache5-handler, apache5-async, apache5-async-producer, jetty, jetty-async, reactor-netty, reactor-netty-webclient, vertx, vertx-webclient. */
    static volatile String client = "urlconnection";

    private HttpCall() {
    }

    /**
     * The class loader that holds the chosen client library, e.g. Spring Boot's LaunchedClassLoader,
     * so co-existence tests can check where the library really came from.
     */
    static String libraryLoader() {
        String library = client.startsWith("reactor-netty") ? "reactor.netty.http.client.HttpClient"
                : client.startsWith("vertx") ? "io.vertx.core.http.HttpClient"
                : client.startsWith("jetty") ? "org.eclipse.jetty.client.HttpClient"
                : client.startsWith("apache5-async")
                ? "org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient"
                : client.startsWith("apache5") ? "org.apache.hc.client5.http.impl.classic.CloseableHttpClient"
                : client.startsWith("apache4") ? "org.apache.http.impl.client.CloseableHttpClient"
                : client.startsWith("okhttp") ? "okhttp3.OkHttpClient" : "java.net.URL";
        try {
            ClassLoader loader = Class.forName(library, false, HttpCall.class.getClassLoader()).getClassLoader();
            return loader == null ? "bootstrap" : loader.getClass().getName();
        } catch (ClassNotFoundException e) {
            return "missing " + library;
        }
    }

    /** Set on first use, so closing at exit never loads a library the app did not use. */
    private static volatile boolean reactorNettyUsed;
    private static volatile boolean webClientUsed;

    /** Closes the clients whose event loops may still run a request's last callbacks; at exit, never throws. */
    static void closeUsedClients() {
        try {
            if (reactorNettyUsed) {
                ReactorNettyCall.close();
            }
            if (webClientUsed) {
                WebClientCall.close();
            }
        } catch (RuntimeException | LinkageError e) {
            System.err.println("sample-app: closing the HTTP clients failed: " + e);
        }
    }

    static Response post(String url, Map<String, String> headers, String body) throws IOException {
        return send("POST", url, headers, body);
    }

    static Response get(String url, Map<String, String> headers) throws IOException {
        return send("GET", url, headers, null);
    }

    static Response send(String method, String url, Map<String, String> headers, String body)
            throws IOException {
        if (client.startsWith("vertx")) {
            return VertxCall.send("vertx-webclient".equals(client), method, url, headers, body);
        }
        if ("reactor-netty-webclient".equals(client)) {
            webClientUsed = true;
            return WebClientCall.send(method, url, headers, body);
        }
        if (client.startsWith("reactor-netty")) {
            reactorNettyUsed = true;
            return ReactorNettyCall.send(method, url, headers, body);
        }
        if (client.startsWith("jetty")) {
            return JettyCall.send("jetty-async".equals(client), method, url, headers, body);
        }
        if (client.startsWith("apache5-async")) {
            return ApacheHttpAsyncClient5Call.send("apache5-async-producer".equals(client), method, url, headers, body);
        }
        if (client.startsWith("apache5")) {
            return ApacheHttpClient5Call.send("apache5-handler".equals(client), method, url, headers, body);
        }
        if (client.startsWith("apache4")) {
            return ApacheHttpClientCall.send("apache4-handler".equals(client), method, url, headers, body);
        }
        if (client.startsWith("okhttp")) {
            return OkHttpCall.send("okhttp-async".equals(client), method, url, headers, body);
        }
        if (!"urlconnection".equals(client)) {
            return JdkHttpClientCall.send("jdkhttp-async".equals(client), method, url, headers, body);
        }
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        // Bounded so a stuck server or agent fails the run instead of hanging it.
        c.setConnectTimeout(TIMEOUT_MILLIS);
        c.setReadTimeout(TIMEOUT_MILLIS);
        c.setRequestMethod(method);
        for (Map.Entry<String, String> h : headers.entrySet()) {
            c.setRequestProperty(h.getKey(), h.getValue());
        }
        if (body != null) {
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
        String text = "";
        if (in != null) {
            // Reading to the end lets the JDK return the socket to its keep-alive cache.
            try (InputStream body2 = in) {
                text = new String(body2.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        java.util.List<String[]> fields = new java.util.ArrayList<>();
        c.getHeaderFields().forEach((name, values) -> values.forEach(v -> fields.add(new String[] {name, v})));
        return new Response(status, c.getResponseMessage(), fields, text);
    }
}
