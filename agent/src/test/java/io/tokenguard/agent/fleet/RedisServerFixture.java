package io.tokenguard.agent.fleet;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server of the test's own, on a free loopback port: started with no persistence,
 * found ready when PING answers PONG, stopped by its Process. Redis cannot bind port 0, so a free
 * port is found with a ServerSocket first and the start is retried when another process took it
 * in between. Never a server the test did not start.
 */
public final class RedisServerFixture implements AutoCloseable {
    public static final String REDIS_SERVER = "/usr/bin/redis-server";
    private final List<String> extraArgs;
    private final Path log;
    private int port;
    private Process process;

    private RedisServerFixture(List<String> extraArgs) throws IOException {
        this.extraArgs = extraArgs;
        this.log = Files.createTempFile("redis-fixture", ".log");
        this.log.toFile().deleteOnExit();
    }

    /** A server on a new free port; extraArgs are redis-server options ("--requirepass", "x", ...). */
    public static RedisServerFixture start(String... extraArgs) throws IOException, InterruptedException {
        RedisServerFixture f = new RedisServerFixture(Arrays.asList(extraArgs));
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                f.startOn(freePort());
                return f;
            } catch (IOException clash) {
                last = clash;
            }
        }
        throw last;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private void startOn(int p) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(Arrays.asList(REDIS_SERVER, "--port", Integer.toString(p), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no"));
        cmd.addAll(extraArgs);
        Process started = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!started.isAlive()) {
                throw new IOException("redis-server exited (" + started.exitValue() + ") on port " + p + ": "
                        + Files.readString(log));
            }
            if (answersPing(p)) {
                this.port = p;
                this.process = started;
                return;
            }
            // Polling a process that is starting: nothing to wait on but its port.
            started.waitFor(20, TimeUnit.MILLISECONDS);
        }
        started.destroyForcibly();
        throw new IOException("redis-server on port " + p + " did not answer PING within 10 s");
    }

    /** PING in the inline protocol over a plain socket; true on +PONG (or -NOAUTH: it is up, with a password). */
    private static boolean answersPing(int p) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", p), 200);
            s.setSoTimeout(500);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[64];
            int n = s.getInputStream().read(buf);
            String reply = n > 0 ? new String(buf, 0, n, StandardCharsets.US_ASCII) : "";
            return reply.startsWith("+PONG") || reply.startsWith("-NOAUTH");
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    /** Kills the server (SIGKILL, as a crash) and waits until it is gone. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts it again on the same port (empty: nothing was persisted). */
    public void restart() throws IOException, InterruptedException {
        kill();
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                startOn(port);
                return;
            } catch (IOException e) {
                // The old socket may linger a moment: the port is ours, try again.
                last = e;
                Thread.onSpinWait();
            }
        }
        throw last;
    }

    public File logFile() {
        return log.toFile();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    public static Duration timeout() {
        return Duration.ofMillis(250);
    }
}
