package io.tokenguard.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One throw-away {@code redis-server} for the fleet demo: on a free loopback port, nothing saved to
 * disk, stopped by its own process handle. Redis cannot be told to pick a port itself, so a free one
 * is found first and the start retried if another process takes it meanwhile.
 */
final class RedisLauncher implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";
    private static final int ATTEMPTS = 5;
    private static final long READY_MILLIS = 10_000;

    private final Process process;
    private final int port;
    private final StringBuffer output;

    private RedisLauncher(Process process, int port, StringBuffer output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    static RedisLauncher start(String executable) throws IOException, InterruptedException {
        String lastOutput = "";
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = freePort();
            Process p = new ProcessBuilder(List.of(executable, "--port", Integer.toString(port), "--bind", LOOPBACK,
                    "--save", "", "--appendonly", "no")).redirectErrorStream(true).start();
            p.getOutputStream().close();
            StringBuffer out = new StringBuffer();
            Thread drain = new Thread(() -> {
                try (InputStream in = p.getInputStream()) {
                    byte[] buf = new byte[4096];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // The process is gone.
                }
            }, "redis-output");
            drain.setDaemon(true);
            drain.start();
            RedisLauncher redis = new RedisLauncher(p, port, out);
            if (redis.awaitPong()) {
                return redis;
            }
            redis.close();
            lastOutput = out.toString();
            if (!lastOutput.contains("Address already in use")) {
                break;
            }
        }
        throw new IOException(executable + " did not start:\n" + lastOutput);
    }

    String uri() {
        return "redis://" + LOOPBACK + ":" + port;
    }

    private boolean awaitPong() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_MILLIS);
        while (System.nanoTime() - deadline < 0 && process.isAlive()) {
            if (pong()) {
                return true;
            }
            // Polling for readiness: redis-server says nothing on a socket until it listens.
            Thread.sleep(20);
        }
        return false;
    }

    private boolean pong() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, port), 500);
            s.setSoTimeout(500);
            OutputStream o = s.getOutputStream();
            o.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            o.flush();
            byte[] reply = new byte[7];
            int n = s.getInputStream().readNBytes(reply, 0, reply.length);
            return n == 7 && "+PONG\r\n".equals(new String(reply, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    String output() {
        return output.toString();
    }
}
