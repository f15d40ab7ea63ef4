package io.tokenguard.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The loopback server the benchmarks talk to: {@code GET /api/data} (a plain API call, which the agent
 * must leave alone) and {@code POST /bench/token}, a token endpoint that answers any client with a
 * cacheable token. The emulated IdP knows only a handful of accounts and rate-limits them; the storm
 * with many identities needs a provider that issues tokens to everyone.
 */
final class LocalServer implements AutoCloseable {
    static final String DATA_PATH = "/api/data";
    static final String TOKEN_PATH = "/bench/token";
    private static final byte[] DATA = "{\"items\":[1,2,3],\"next\":null}".getBytes(StandardCharsets.UTF_8);

    static {
        // Without TCP_NODELAY each exchange waits out the client's delayed ACK (~40 ms).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicLong tokenCalls = new AtomicLong();

    private LocalServer(int threads) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bench-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(DATA_PATH, e -> reply(e, 200, "application/json", DATA));
        server.createContext(TOKEN_PATH, this::token);
        server.start();
    }

    static LocalServer start(int threads) {
        try {
            return new LocalServer(threads);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Token requests that reached this server. */
    long tokenCalls() {
        return tokenCalls.get();
    }

    private void token(HttpExchange e) throws IOException {
        tokenCalls.incrementAndGet();
        String auth = e.getRequestHeaders().getFirst("Authorization");
        String body = "{\"access_token\":\"at-" + Integer.toHexString(auth == null ? 0 : auth.hashCode())
                + "\",\"token_type\":\"bearer\",\"expires_in\":3600}";
        reply(e, 200, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void reply(HttpExchange e, int status, String type, byte[] body) throws IOException {
        try (InputStream in = e.getRequestBody()) {
            in.readAllBytes();
        }
        e.getResponseHeaders().set("Content-Type", type);
        e.sendResponseHeaders(status, body.length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
