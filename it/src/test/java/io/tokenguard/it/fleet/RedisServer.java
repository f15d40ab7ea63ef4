package io.tokenguard.it.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;

/**
 * A real Debian {@code redis-server} that this test started, on a free loopback port, with nothing
 * saved to disk ({@code --save '' --appendonly no}). It can be killed ({@code SIGKILL}), frozen
 * ({@code SIGSTOP}: it keeps accepting connections and answers nothing) and started again on the same
 * port; {@link #close} stops it by its own Process (destroy, then destroyForcibly). A test never talks
 * to a server it did not start: a port Redis cannot bind is another free one, never someone else's server.
 */
public final class RedisServer implements AutoCloseable {
    static final String LOOPBACK = "127.0.0.1";
    static final Path EXECUTABLE = Paths.get(System.getProperty("tokenguard.it.redisServer", "/usr/bin/redis-server"));
    /**
     * What the README says the fleet's ACL user needs, and no more: its own keys and these commands. The
     * test's own connection signs in as another user, {@link #ADMIN}, allowed everything.
     */
    static final List<String> FLEET_USER_RULES = List.of("resetkeys", "~tg:*", "-@all", "+get", "+set", "+mget",
            "+del", "+pttl", "+eval", "+evalsha");
    static final String ADMIN = "tg-test-admin";
    private static final int ATTEMPTS = 5;
    private static final long READY_MILLIS = 15_000;

    private final TlsMaterial tls;
    private final String user;
    private final String password;
    private final String adminPassword = Long.toHexString(new java.security.SecureRandom().nextLong());
    private final int port;
    private Process process;
    private final StringBuffer log = new StringBuffer();

    private RedisServer(TlsMaterial tls, String user, String password, int port) {
        this.tls = tls;
        this.user = user;
        this.password = password;
        this.port = port;
    }

    /** Plain {@code redis://}, no password. */
    public static RedisServer start() throws IOException, InterruptedException {
        return start(null, null, null, 0);
    }

    /** Plain {@code redis://} on this very port (e.g. where a {@link BlackHole} was). */
    public static RedisServer startOn(int port) throws IOException, InterruptedException {
        return start(null, null, null, port);
    }

    /**
     * {@code rediss://} only (the plain port off), the server certificate signed by {@code tls}'s CA, clients
     * not asked for certificates; the default user off, and an ACL user with this password and only the
     * rights the README lists ({@link #FLEET_USER_RULES}).
     */
    public static RedisServer startTls(TlsMaterial tls, String user, String password)
            throws IOException, InterruptedException {
        return start(tls, user, password, 0);
    }

    private static RedisServer start(TlsMaterial tls, String user, String password, int fixedPort)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException("no " + EXECUTABLE + ": .ci/run installs Debian's redis-server"
                    + " (apt-get install -y redis-server)");
        }
        IOException last = null;
        for (int attempt = 0; attempt < (fixedPort == 0 ? ATTEMPTS : 1); attempt++) {
            RedisServer redis = new RedisServer(tls, user, password, fixedPort == 0 ? freePort() : fixedPort);
            try {
                redis.launch();
                return redis;
            } catch (PortTaken e) {
                last = e;
            }
        }
        throw last;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return s.getLocalPort();
        }
    }

    private List<String> command() {
        List<String> c = new ArrayList<>(List.of(EXECUTABLE.toString(), "--bind", LOOPBACK, "--save", "",
                "--appendonly", "no", "--protected-mode", "no", "--loglevel", "notice"));
        if (tls == null) {
            c.addAll(List.of("--port", Integer.toString(port)));
        } else {
            c.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port),
                    "--tls-cert-file", tls.serverCert().toString(), "--tls-key-file", tls.serverKey().toString(),
                    "--tls-ca-cert-file", tls.caCert().toString(), "--tls-auth-clients", "no"));
        }
        if (user != null) {
            c.addAll(List.of("--user", "default", "off", "--user", ADMIN, "on", ">" + adminPassword, "~*", "&*",
                    "+@all", "--user", user, "on", ">" + password));
            c.addAll(FLEET_USER_RULES);
        }
        return c;
    }

    private void launch() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        Thread drain = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                    log.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // It is gone.
            }
        }, "redis-" + port + "-log");
        drain.setDaemon(true);
        drain.start();
        process = p;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_MILLIS);
        while (System.nanoTime() - deadline < 0) {
            if (!p.isAlive()) {
                p.waitFor();
                if (log.toString().contains("Address already in use")) {
                    throw new PortTaken(port, log.toString());
                }
                throw new IOException("redis-server exited " + p.exitValue() + ":\n" + log);
            }
            if (pings()) {
                return;
            }
            // Readiness poll: redis-server gives no other sign that it listens.
            Thread.sleep(10);
        }
        stop();
        throw new IOException("redis-server did not answer PING in " + READY_MILLIS + " ms:\n" + log);
    }

    private boolean pings() {
        try (Resp r = client(1000)) {
            return "PONG".equals(r.call("PING"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** What the agents are given, without credentials: {@code redis://127.0.0.1:P} or {@code rediss://...}. */
    public String uri() {
        return (tls == null ? "redis://" : "rediss://") + LOOPBACK + ":" + port;
    }

    /** The same with the ACL user and password in the userinfo. */
    public String uriWithCredentials() {
        return (tls == null ? "redis://" : "rediss://") + user + ":" + password + "@" + LOOPBACK + ":" + port;
    }

    /** A connection of the test's own, authenticated as {@link #ADMIN} when there are ACL users. */
    Resp client() throws IOException {
        return client(5000);
    }

    Resp client(int timeoutMillis) throws IOException {
        SSLSocketFactory factory = tls == null ? null : tls.socketFactory();
        return Resp.connect(port, factory, user == null ? null : ADMIN, adminPassword, timeoutMillis);
    }

    /** SIGKILL: the server is gone at once, connections reset, nothing flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** A connection as the fleet's ACL user (tests of what that user may do). */
    Resp clientAsFleetUser() throws IOException {
        return Resp.connect(port, tls == null ? null : tls.socketFactory(), user, password, 5000);
    }

    /** A new, empty server on the same port with the same settings. */
    public void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        log.setLength(0);
        launch();
    }

    /** SIGSTOP: the kernel still accepts connections, the server answers nothing. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: answering again, everything it had kept. */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true)
                .start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            k.destroyForcibly();
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    public void flushAll() throws IOException {
        try (Resp r = client()) {
            r.call("FLUSHALL");
        }
    }

    /**
     * Every key (SCAN, never KEYS) and the bytes of everything stored under it, whatever its type: a
     * string's value, a hash's fields and values, a list's, set's or sorted set's members (and scores).
     */
    @SuppressWarnings("unchecked")
    public Map<String, List<byte[]>> dump() throws IOException {
        Map<String, List<byte[]>> all = new LinkedHashMap<>();
        try (Resp r = client()) {
            String cursor = "0";
            do {
                List<Object> page = (List<Object>) r.call("SCAN", cursor, "COUNT", "1000");
                cursor = Resp.text(page.get(0));
                for (Object k : (List<Object>) page.get(1)) {
                    byte[] key = (byte[]) k;
                    all.put(new String(key, StandardCharsets.ISO_8859_1), contents(r, key));
                }
            } while (!"0".equals(cursor));
        }
        return all;
    }

    @SuppressWarnings("unchecked")
    private static List<byte[]> contents(Resp r, byte[] key) throws IOException {
        String type = Resp.text(r.call("TYPE".getBytes(StandardCharsets.US_ASCII), key));
        List<byte[]> values = new ArrayList<>();
        Object reply;
        switch (type) {
            case "string":
                reply = r.call("GET".getBytes(StandardCharsets.US_ASCII), key);
                break;
            case "hash":
                reply = r.call("HGETALL".getBytes(StandardCharsets.US_ASCII), key);
                break;
            case "list":
                reply = r.call("LRANGE".getBytes(StandardCharsets.US_ASCII), key, "0".getBytes(StandardCharsets.US_ASCII),
                        "-1".getBytes(StandardCharsets.US_ASCII));
                break;
            case "set":
                reply = r.call("SMEMBERS".getBytes(StandardCharsets.US_ASCII), key);
                break;
            case "zset":
                reply = r.call("ZRANGE".getBytes(StandardCharsets.US_ASCII), key, "0".getBytes(StandardCharsets.US_ASCII),
                        "-1".getBytes(StandardCharsets.US_ASCII), "WITHSCORES".getBytes(StandardCharsets.US_ASCII));
                break;
            case "none":
                // Expired between SCAN and TYPE.
                return values;
            default:
                reply = r.call("DUMP".getBytes(StandardCharsets.US_ASCII), key);
        }
        flatten(reply, values);
        return values;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(Object reply, List<byte[]> into) {
        if (reply instanceof byte[]) {
            into.add((byte[]) reply);
        } else if (reply instanceof List) {
            for (Object o : (List<Object>) reply) {
                flatten(o, into);
            }
        } else if (reply != null) {
            into.add(reply.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The server's own log (startup banner, warnings), for failure messages. */
    public String log() {
        return log.toString();
    }

    private void stop() {
        if (process == null) {
            return;
        }
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

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            // A frozen server ignores SIGTERM until it runs again.
            try {
                thaw();
            } catch (IOException e) {
                // It may have gone meanwhile.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stop();
    }

    private static final class PortTaken extends IOException {
        private static final long serialVersionUID = 1L;

        PortTaken(int port, String log) {
            super("port " + port + " was taken before redis-server could bind it:\n" + log);
        }
    }
}
