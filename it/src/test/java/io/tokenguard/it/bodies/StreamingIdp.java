package io.tokenguard.it.bodies;

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
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An IdP on raw loopback sockets whose answers are large, endless or slow (issue 10 §7), one path per
 * case and app run ({@code /bodies/<case>-<ticket>}):
 * <ul>
 *   <li>{@code big}: {@link #BIG} bytes with Content-Length; after the first MiB it waits until the app
 *   says it has the status ({@code GET /release/big-<ticket>}), so a status held back until the end of
 *   the body never comes (the IdP gives up after {@link #RELEASE_WAIT_SECONDS} and resets);</li>
 *   <li>{@code endless}: chunked, without end, until the app closes the connection (recorded);</li>
 *   <li>{@code drip}: {@link #DRIP} bytes with Content-Length, one every {@link #DRIP_MILLIS} ms.</li>
 * </ul>
 * Counts the requests per path; every connection is closed after one answer.
 */
final class StreamingIdp implements AutoCloseable {
    static final long BIG = 192L << 20;
    static final int DRIP = 6;
    static final long DRIP_MILLIS = 300;
    static final long RELEASE_WAIT_SECONDS = 10;
    private static final int HELD_AFTER = 1 << 20;

    private final ServerSocket server;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> releases = new ConcurrentHashMap<>();
    /** Endless answers whose client closed the connection. */
    final Set<String> abandoned = ConcurrentHashMap.newKeySet();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    StreamingIdp() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "streaming-idp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    /** Large and endless answers repeat this many bytes: a prime, so no buffer size lines up with it. */
    private static final int PERIOD = 65_521;
    private static final byte[] PATTERN = new byte[3 * PERIOD];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            int j = i % PERIOD;
            PATTERN[i] = (byte) (j * 31 + j / 251);
        }
    }

    /** SHA-256 of the first {@code length} bytes of the pattern. */
    static String sha(long length) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[64 * 1024];
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(chunk.length, length - done);
            fill(chunk, done, n);
            sha.update(chunk, 0, n);
            done += n;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The pattern's bytes from this offset on (n at most two periods). */
    private static void fill(byte[] chunk, long from, int n) {
        System.arraycopy(PATTERN, (int) (from % PERIOD), chunk, 0, n);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "streaming-idp-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        String path = null;
        try (Socket s = socket) {
            s.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            path = readRequest(in);
            if (path == null) {
                return;
            }
            hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            OutputStream out = s.getOutputStream();
            if (path.startsWith("/release/")) {
                latch(path.substring("/release/".length())).countDown();
                out.write(head(204, "Content-Length: 0"));
            } else if (path.startsWith("/bodies/big-")) {
                big(s, out, path.substring("/bodies/".length()));
            } else if (path.startsWith("/bodies/endless-")) {
                endless(out);
            } else if (path.startsWith("/bodies/drip-")) {
                drip(out);
            } else {
                out.write(head(404, "Content-Length: 0"));
            }
            out.flush();
        } catch (Exception e) {
            if (path != null && path.startsWith("/bodies/endless-")) {
                abandoned.add(path);
            }
        } finally {
            open.remove(socket);
        }
    }

    private CountDownLatch latch(String id) {
        return releases.computeIfAbsent(id, k -> new CountDownLatch(1));
    }

    private void big(Socket s, OutputStream out, String id) throws Exception {
        out.write(head(200, "Content-Type: application/octet-stream", "Content-Length: " + BIG));
        byte[] chunk = new byte[64 * 1024];
        for (long done = 0; done < BIG; ) {
            if (done == HELD_AFTER && !latch(id).await(RELEASE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                // The app never got its status while the body was still coming: make that its failure.
                s.setSoLinger(true, 0);
                return;
            }
            int n = (int) Math.min(chunk.length, BIG - done);
            fill(chunk, done, n);
            out.write(chunk, 0, n);
            done += n;
        }
    }

    private void endless(OutputStream out) throws IOException {
        out.write(head(200, "Content-Type: application/octet-stream", "Transfer-Encoding: chunked"));
        byte[] chunk = new byte[16 * 1024];
        for (long done = 0; closed.getCount() > 0; done += chunk.length) {
            fill(chunk, done, chunk.length);
            out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(chunk);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private void drip(OutputStream out) throws Exception {
        out.write(head(200, "Content-Type: text/plain", "Content-Length: " + DRIP));
        for (int i = 0; i < DRIP; i++) {
            out.write('a' + i);
            out.flush();
            if (i + 1 < DRIP && closed.await(DRIP_MILLIS, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    /** The drip's body: what an app reads in the end. */
    static String dripSha() throws Exception {
        byte[] body = new byte[DRIP];
        for (int i = 0; i < DRIP; i++) {
            body[i] = (byte) ('a' + i);
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    }

    /** Reads the request head and its body (Content-Length or chunked); returns the path. */
    private static String readRequest(InputStream in) throws IOException {
        String requestLine = line(in);
        if (requestLine == null || requestLine.isEmpty()) {
            return null;
        }
        long length = 0;
        boolean chunked = false;
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(h.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (int n = Integer.parseInt(line(in).split(";")[0].trim(), 16); n > 0;
                 n = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                in.readNBytes(n);
                line(in);
            }
            while (!line(in).isEmpty()) {
                // trailers
            }
        } else {
            in.readNBytes((int) length);
        }
        String target = requestLine.split(" ")[1];
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
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

    private static byte[] head(int status, String... headers) {
        StringBuilder h = new StringBuilder("HTTP/1.1 ").append(status).append(status == 200 ? " OK" : " Status")
                .append("\r\nConnection: close\r\n");
        for (String header : headers) {
            h.append(header).append("\r\n");
        }
        return h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
