package io.tokenguard.it.bodies;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The app side of {@link StreamingAnswersIT}, run in a child JVM (with or without the agent), for each
 * client named on the command line: a large answer read to the end (after telling the IdP it has the
 * status), an endless answer read in part and then closed, and a dripping answer (all clients at once).
 * One line per case on stdout: {@code BODIES {"client":..,"case":..,"status":..,...}}. A client's own
 * classes are touched only by its own opener, so a JVM needs only the libraries of the clients it runs.
 */
public final class BodyRunner {
    static final String FORM = "grant_type=client_credentials&client_id=app&client_secret=s3cret";
    static final int READ_TIMEOUT = 10_000;
    /** The dripping answer's client read timeout: far longer than one drip, far shorter than the body. */
    static final int DRIP_READ_TIMEOUT = 2_000;
    /** How much of the endless answer an app reads before it closes. */
    static final int ENDLESS_READ = 1 << 20;

    private BodyRunner() {
    }

    /** args: IdP base URL, ticket prefix (unique per run), client names. */
    public static void main(String[] args) throws Exception {
        String base = args[0];
        String prefix = args[1];
        List<String> clients = List.of(args).subList(2, args.length);
        for (String client : clients) {
            System.out.println(big(base, prefix + "-" + client, client).json());
            System.out.println(endless(base, prefix + "-" + client, client).json());
        }
        List<CompletableFuture<Outcome>> drips = new ArrayList<>();
        for (String client : clients) {
            drips.add(CompletableFuture.supplyAsync(() -> drip(base, prefix + "-" + client, client),
                    r -> new Thread(r, "drip-" + client).start()));
        }
        for (CompletableFuture<Outcome> d : drips) {
            System.out.println(d.get(60, TimeUnit.SECONDS).json());
        }
        System.out.flush();
    }

    static Opened.Client client(String name) {
        switch (name) {
            case "urlconnection":
                return BodyRunner::viaUrlConnection;
            case "jdkhttp":
                return BodyRunner::viaJdk;
            case "okhttp":
                return OkHttpOpener.INSTANCE;
            case "apache4":
                return Apache4Opener.INSTANCE;
            case "apache5":
                return Apache5Opener.INSTANCE;
            case "apache5-async":
                return Apache5AsyncOpener.INSTANCE;
            default:
                throw new IllegalArgumentException(name);
        }
    }

    private static Outcome big(String base, String ticket, String client) {
        Outcome o = new Outcome(client, "big");
        try {
            long start = System.nanoTime();
            Opened r = client(client).post(base + "/bodies/big-" + ticket, READ_TIMEOUT);
            o.status(r.status(), start);
            // The IdP holds the rest of the body until the app has its status.
            release(base, "big-" + ticket);
            o.step = "body";
            try (InputStream in = r.body()) {
                o.read(in, Long.MAX_VALUE);
            } finally {
                r.close();
            }
            o.step = "done";
        } catch (Throwable e) {
            o.failed(e);
        }
        return o;
    }

    private static Outcome endless(String base, String ticket, String client) {
        Outcome o = new Outcome(client, "endless");
        try {
            long start = System.nanoTime();
            Opened r = client(client).post(base + "/bodies/endless-" + ticket, READ_TIMEOUT);
            o.status(r.status(), start);
            o.step = "body";
            o.read(r.body(), ENDLESS_READ);
            o.step = "close";
            r.close();
            o.step = "done";
        } catch (Throwable e) {
            o.failed(e);
        }
        return o;
    }

    private static Outcome drip(String base, String ticket, String client) {
        Outcome o = new Outcome(client, "drip");
        try {
            long start = System.nanoTime();
            Opened r = client(client).post(base + "/bodies/drip-" + ticket, DRIP_READ_TIMEOUT);
            o.status(r.status(), start);
            o.step = "body";
            try (InputStream in = r.body()) {
                o.read(in, Long.MAX_VALUE);
            } finally {
                r.close();
            }
            o.step = "done";
        } catch (Throwable e) {
            o.failed(e);
        }
        return o;
    }

    /** Tells the IdP this app has its status (a plain GET, not a token request). */
    private static void release(String base, String id) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(base + "/release/" + id).openConnection();
        c.setReadTimeout(READ_TIMEOUT);
        if (c.getResponseCode() != 204) {
            throw new IOException("release answered " + c.getResponseCode());
        }
        c.disconnect();
    }

    private static Opened viaUrlConnection(String url, int readTimeout) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setRequestMethod("POST");
        c.setConnectTimeout(5_000);
        c.setReadTimeout(readTimeout);
        c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
            out.write(FORM.getBytes(StandardCharsets.UTF_8));
        }
        int status = c.getResponseCode();
        return new Opened() {
            @Override
            public int status() {
                return status;
            }

            @Override
            public InputStream body() throws IOException {
                return status >= 400 ? c.getErrorStream() : c.getInputStream();
            }

            @Override
            public void close() {
                c.disconnect();
            }
        };
    }

    private static final HttpClient JDK = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static Opened viaJdk(String url, int readTimeout) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(readTimeout))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(FORM)).build();
        HttpResponse<InputStream> response = JDK.send(request, HttpResponse.BodyHandlers.ofInputStream());
        return new Opened() {
            @Override
            public int status() {
                return response.statusCode();
            }

            @Override
            public InputStream body() {
                return response.body();
            }

            @Override
            public void close() throws IOException {
                response.body().close();
            }
        };
    }

    /** What the app saw of one case. */
    static final class Outcome {
        final String client;
        final String kase;
        int status = -1;
        long statusMillis = -1;
        String step = "status";
        String exception;
        long length = -1;
        String sha;

        Outcome(String client, String kase) {
            this.client = client;
            this.kase = kase;
        }

        void status(int code, long startNanos) {
            status = code;
            statusMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        }

        /** Reads up to {@code max} bytes, hashing as it goes (never holding the body). */
        void read(InputStream in, long max) throws Exception {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            long n = 0;
            while (n < max) {
                int r = in.read(buffer, 0, (int) Math.min(buffer.length, max - n));
                if (r < 0) {
                    break;
                }
                sha256.update(buffer, 0, r);
                n += r;
            }
            length = n;
            sha = HexFormat.of().formatHex(sha256.digest());
        }

        void failed(Throwable e) {
            exception = e.getClass().getName() + ": " + e.getMessage();
        }

        String json() {
            return "BODIES {\"client\":" + q(client) + ",\"case\":" + q(kase) + ",\"status\":" + status
                    + ",\"statusMillis\":" + statusMillis + ",\"step\":" + q(step) + ",\"exception\":" + q(exception)
                    + ",\"length\":" + length + ",\"sha\":" + q(sha) + "}";
        }

        private static String q(String s) {
            return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "'").replace("\n", " ") + "\"";
        }
    }
}
