package io.tokenguard.it.hostile;

import io.tokenguard.it.hostile.HostileCase.Request;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The app side of the corpus, run in a child JVM (with or without the agent): every case, each
 * attempt in turn, as a careless app would; one line per attempt on stdout:
 * {@code HOSTILE {"case":..,"attempt":..,"status":..,"step":..,"exception":..,...}}.
 * {@code step} is where the app stood when it failed: {@code status} (sending, getResponseCode,
 * HttpClient.send) or {@code body} (reading the body); {@code done} when nothing failed.
 */
public final class HostileRunner {
    private HostileRunner() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        LibraryClients libraries = new LibraryClients();
        try {
            for (HostileCase c : HostileCases.all()) {
                List<Request> attempts = c.attempts();
                for (int i = 0; i < attempts.size(); i++) {
                    Outcome o = c.client().startsWith("jdkhttp")
                            ? viaJdk(jdk, base, c, attempts.get(i), c.client().endsWith("-stream"))
                            : c.client().equals("urlconnection") ? viaUrlConnection(base, c, attempts.get(i))
                            : libraries.call(c.client(), base + attempts.get(i).pathAndQuery(c.id()), attempts.get(i),
                                    c.readTimeout(), new Outcome());
                    System.out.println("HOSTILE " + o.json(c.id(), i + 1));
                }
            }
        } finally {
            libraries.close();
        }
        System.out.flush();
    }

    private static Outcome viaUrlConnection(String base, HostileCase c, Request r) {
        Outcome o = new Outcome();
        HttpURLConnection conn = null;
        try {
            conn = (HttpURLConnection) new URL(base + r.pathAndQuery(c.id())).openConnection();
            conn.setRequestMethod(r.method());
            conn.setConnectTimeout(5_000);
            conn.setReadTimeout(c.readTimeout());
            if (r.contentType() != null) {
                conn.setRequestProperty("Content-Type", r.contentType());
            }
            if (r.body() != null) {
                if (r.upload() == HostileCase.Upload.CHUNKED) {
                    conn.setChunkedStreamingMode(1024);
                } else if (r.upload() == HostileCase.Upload.FIXED) {
                    conn.setFixedLengthStreamingMode(r.body().length);
                }
                conn.setDoOutput(true);
                try (OutputStream out = conn.getOutputStream()) {
                    out.write(r.body());
                }
            }
            o.status = conn.getResponseCode();
            o.contentType = conn.getHeaderField("Content-Type");
            o.contentEncoding = conn.getHeaderField("Content-Encoding");
            o.marker = conn.getHeaderField("X-TokenGuard");
            o.step = "body";
            InputStream in = o.status >= 400 ? conn.getErrorStream() : conn.getInputStream();
            o.body(in == null ? new byte[0] : in.readAllBytes());
            o.step = "done";
        } catch (Exception e) {
            o.exception = e.getClass().getName();
        } finally {
            if (conn != null) {
                conn.disconnect();
            }
        }
        return o;
    }

    private static Outcome viaJdk(HttpClient client, String base, HostileCase c, Request r, boolean stream) {
        Outcome o = new Outcome();
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + r.pathAndQuery(c.id())))
                    .timeout(Duration.ofMillis(c.readTimeout()))
                    .method(r.method(), r.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(r.body()));
            if (r.contentType() != null) {
                b.header("Content-Type", r.contentType());
            }
            if (stream) {
                HttpResponse<InputStream> response = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                o.head(response);
                o.step = "body";
                try (InputStream in = response.body()) {
                    o.body(in.readAllBytes());
                }
            } else {
                HttpResponse<byte[]> response = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                o.head(response);
                o.body(response.body());
            }
            o.step = "done";
        } catch (Exception e) {
            o.exception = e.getClass().getName();
        }
        return o;
    }

    static final class Outcome {
        int status = -1;
        String step = "status";
        String exception;
        String contentType;
        String contentEncoding;
        String marker;
        String bodySha;
        int bodyLength = -1;

        /** The status and the headers that matter, from the client's own response. */
        void head(int code, String type, String encoding, String tokenGuard) {
            status = code;
            contentType = type;
            contentEncoding = encoding;
            marker = tokenGuard;
        }

        void head(HttpResponse<?> response) {
            status = response.statusCode();
            contentType = response.headers().firstValue("Content-Type").orElse(null);
            contentEncoding = response.headers().firstValue("Content-Encoding").orElse(null);
            marker = response.headers().firstValue("X-TokenGuard").orElse(null);
        }

        /**
         * The body's hash and length with the digits of a JSON expires_in masked: a cached answer
         * served a second or more after issuance says what is left of the lifetime (the README's
         * "remaining lifetime"), every other byte as the provider sent it.
         */
        void body(byte[] body) {
            byte[] compared = EXPIRES_IN.matcher(new String(body, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .replaceAll("$1#").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            bodySha = HostileIdp.sha256(compared).substring(0, 16);
            bodyLength = compared.length;
        }

        private static final java.util.regex.Pattern EXPIRES_IN =
                java.util.regex.Pattern.compile("(\"expires_in\"\\s*:\\s*\"?)[0-9][0-9.eE+-]*");

        String json(String id, int attempt) {
            return "{\"case\":" + q(id) + ",\"attempt\":" + attempt + ",\"status\":" + status + ",\"step\":" + q(step)
                    + ",\"exception\":" + q(exception) + ",\"contentType\":" + q(contentType)
                    + ",\"contentEncoding\":" + q(contentEncoding) + ",\"marker\":" + q(marker)
                    + ",\"bodySha\":" + q(bodySha) + ",\"bodyLength\":" + bodyLength + "}";
        }

        private static String q(String s) {
            return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }
}
