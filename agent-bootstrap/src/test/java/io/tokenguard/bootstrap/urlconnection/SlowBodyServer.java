package io.tokenguard.bootstrap.urlconnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An IdP on raw loopback sockets whose answers' bodies take their time: one part now, the rest when
 * the test says so; one byte at a time; or without end until the client goes away. Counts requests.
 */
final class SlowBodyServer implements AutoCloseable {
    /** How one request is answered once its head and body were read. */
    interface Script {
        void answer(OutputStream out, SlowBodyServer idp) throws Exception;
    }

    final AtomicInteger requests = new AtomicInteger();
    /** Counted down when a write to a client failed: the client closed or reset the connection. */
    final CountDownLatch clientWentAway = new CountDownLatch(1);
    /** Released by {@link #close()}: a script that hangs waits on it. */
    private final CountDownLatch closed = new CountDownLatch(1);
    private final ServerSocket server;
    private final Script script;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    SlowBodyServer(Script script) throws IOException {
        this.script = script;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "streaming-idp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URL url(String path) throws IOException {
        return new URL("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "streaming-idp-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (Socket socket = s) {
            InputStream in = socket.getInputStream();
            int contentLength = 0;
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0; c = in.read()) {
                if (c == '\n') {
                    String h = line.toString().trim();
                    if (h.isEmpty()) {
                        break;
                    }
                    if (h.toLowerCase().startsWith("content-length:")) {
                        contentLength = Integer.parseInt(h.substring(15).trim());
                    }
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
            in.readNBytes(contentLength);
            requests.incrementAndGet();
            script.answer(socket.getOutputStream(), this);
            socket.getOutputStream().flush();
        } catch (Exception e) {
            clientWentAway.countDown();
        } finally {
            open.remove(s);
        }
    }

    static byte[] head(int status, String... headers) {
        StringBuilder h = new StringBuilder("HTTP/1.1 ").append(status).append(" X\r\nConnection: close\r\n");
        for (String header : headers) {
            h.append(header).append("\r\n");
        }
        return h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Deterministic bytes that are not a token answer. */
    static byte[] body(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never released the IdP");
        }
    }

    /** Hangs until the test is over. */
    void hang() throws InterruptedException {
        closed.await();
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
