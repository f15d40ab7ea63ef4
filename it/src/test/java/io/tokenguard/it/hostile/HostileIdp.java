package io.tokenguard.it.hostile;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An IdP that misbehaves on purpose, on raw sockets so it can do what no well-behaved server
 * library lets it: cut a body short, reset the connection, hang after the headers. One path per
 * case ({@code /hostile/<id>}); it counts the requests that reached it per case. Binds to loopback on
 * an ephemeral port; every connection is closed after one answer. Hanging answers wait on a latch
 * that {@link #close()} releases.
 */
final class HostileIdp implements AutoCloseable {
    private final ServerSocket server;
    private final Map<String, HostileCase> cases = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final List<Socket> open = new ArrayList<>();

    HostileIdp(List<HostileCase> corpus) throws IOException {
        corpus.forEach(c -> cases.put(c.id(), c));
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "hostile-idp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Requests that reached the IdP for a case since the last {@link #resetCounts()}. */
    int hits(String id) {
        AtomicInteger n = hits.get(id);
        return n == null ? 0 : n.get();
    }

    void resetCounts() {
        hits.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                synchronized (open) {
                    open.add(s);
                }
                Thread t = new Thread(() -> serve(s), "hostile-idp-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (Socket s = socket) {
            s.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            Exchange ex = Exchange.read(in, s, released);
            if (ex == null) {
                return;
            }
            String id = ex.path.startsWith("/hostile/") ? ex.path.substring("/hostile/".length()) : "";
            hits.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            HostileCase c = cases.get(id);
            if (c == null) {
                ex.send(404, "text/plain", "no such case".getBytes(StandardCharsets.UTF_8));
            } else {
                c.responder().respond(ex);
            }
            s.getOutputStream().flush();
        } catch (Exception e) {
            // A client that timed out and went away, or a reset we caused: nothing to do.
        } finally {
            synchronized (open) {
                open.remove(socket);
            }
        }
    }

    @Override
    public void close() throws IOException {
        released.countDown();
        server.close();
        synchronized (open) {
            for (Socket s : open) {
                s.close();
            }
        }
    }

    /** One request as it arrived, and the ways to answer it. */
    static final class Exchange {
        final String method;
        final String path;
        final String query;
        final Map<String, String> headers;
        final byte[] body;
        private final Socket socket;
        private final CountDownLatch released;

        private Exchange(String method, String target, Map<String, String> headers, byte[] body, Socket socket,
                         CountDownLatch released) {
            this.method = method;
            int q = target.indexOf('?');
            this.path = q < 0 ? target : target.substring(0, q);
            this.query = q < 0 ? null : target.substring(q + 1);
            this.headers = headers;
            this.body = body;
            this.socket = socket;
            this.released = released;
        }

        static Exchange read(InputStream in, Socket socket, CountDownLatch released) throws IOException {
            String requestLine = line(in);
            if (requestLine == null || requestLine.isEmpty()) {
                return null;
            }
            String[] parts = requestLine.split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            byte[] body;
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = dechunk(in);
            } else if (headers.containsKey("content-length")) {
                body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            } else {
                body = new byte[0];
            }
            return new Exchange(parts[0], parts[1], headers, body, socket, released);
        }

        private static byte[] dechunk(InputStream in) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (;;) {
                String size = line(in);
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    while (!line(in).isEmpty()) {
                        // trailers
                    }
                    return out.toByteArray();
                }
                out.write(in.readNBytes(n));
                line(in);
            }
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }

        OutputStream out() throws IOException {
            return socket.getOutputStream();
        }

        /** A complete answer with Content-Length and Connection: close; extra headers as name/value pairs. */
        void send(int status, String contentType, byte[] body, String... extraHeaders) throws IOException {
            StringBuilder h = head(status, contentType, extraHeaders);
            h.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            OutputStream out = out();
            out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        }

        /** The answer in chunks of at most 7 bytes, Transfer-Encoding: chunked. */
        void sendChunked(int status, String contentType, byte[] body) throws IOException {
            StringBuilder h = head(status, contentType).append("Transfer-Encoding: chunked\r\n\r\n");
            OutputStream out = out();
            out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < body.length; i += 7) {
                int n = Math.min(7, body.length - i);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, i, n);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** The headers promise {@code promised} bytes; only the first {@code sent} of body arrive. */
        void sendPartial(String contentType, byte[] body, int sent) throws IOException {
            StringBuilder h = head(200, contentType).append("Content-Length: ").append(body.length).append("\r\n\r\n");
            OutputStream out = out();
            out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, 0, sent);
            out.flush();
        }

        /** Closes with RST instead of FIN: the client reads "Connection reset". */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        /** Waits until the test tears the IdP down (the client's own timeout is what ends it). */
        void hang() throws InterruptedException {
            released.await();
        }

        /** A slow but finite IdP: waits at most this long (or until teardown). */
        void stall(long millis) throws InterruptedException {
            released.await(millis, TimeUnit.MILLISECONDS);
        }

        private static StringBuilder head(int status, String contentType, String... extraHeaders) {
            StringBuilder h = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                    .append("\r\nConnection: close\r\n");
            if (contentType != null) {
                h.append("Content-Type: ").append(contentType).append("\r\n");
            }
            for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
                h.append(extraHeaders[i]).append(": ").append(extraHeaders[i + 1]).append("\r\n");
            }
            return h;
        }

        private static String reason(int status) {
            switch (status) {
                case 200: return "OK";
                case 400: return "Bad Request";
                case 429: return "Too Many Requests";
                default: return "Status";
            }
        }

        /**
         * A token that depends only on the credentials as this IdP reads them: form parameters
         * percent-decoded to bytes (the first of a repeated name wins, names are case-sensitive),
         * any other body as raw bytes, plus the query string and the Authorization header. Two
         * requests get the same token exactly when this IdP cannot tell their credentials apart.
         */
        String tokenFor() {
            ByteArrayOutputStream id = new ByteArrayOutputStream();
            id.writeBytes((method + " " + query + " " + headers.get("authorization") + "\n").getBytes(StandardCharsets.UTF_8));
            String type = headers.getOrDefault("content-type", "");
            if (type.startsWith("application/x-www-form-urlencoded")) {
                Map<String, byte[]> first = new LinkedHashMap<>();
                for (String pair : new String(body, StandardCharsets.ISO_8859_1).split("&")) {
                    int eq = pair.indexOf('=');
                    String name = new String(decode(eq < 0 ? pair : pair.substring(0, eq)), StandardCharsets.ISO_8859_1);
                    first.putIfAbsent(name, decode(eq < 0 ? "" : pair.substring(eq + 1)));
                }
                first.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                    id.writeBytes((e.getKey() + "=").getBytes(StandardCharsets.ISO_8859_1));
                    id.writeBytes(HexFormat.of().formatHex(e.getValue()).getBytes(StandardCharsets.ISO_8859_1));
                    id.write('&');
                });
            } else {
                id.writeBytes(body);
            }
            return "tok-" + sha256(id.toByteArray()).substring(0, 16);
        }

        private static byte[] decode(String s) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '+') {
                    out.write(' ');
                } else if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                        && Character.digit(s.charAt(i + 2), 16) >= 0) {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    out.write(c);
                }
            }
            return out.toByteArray();
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
