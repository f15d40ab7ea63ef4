package io.tokenguard.agent.instrument;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An identity provider on 127.0.0.1:0 for the contract suite. {@link #TOKEN_PATH} is the guarded token
 * endpoint, {@link #BARE_PATH} the same handler on a path no rule guards, {@link #ECHO_PATH} an ordinary
 * API. Token answers are cacheable and distinct per call ({@code tok-1}, {@code tok-2}...); with
 * {@link #hold()} every token request waits until {@link #release()} (at the latest, {@link #close()}).
 */
public final class LoopbackIdp implements AutoCloseable {
    public static final String TOKEN_PATH = "/oauth2/token";
    public static final String BARE_PATH = "/bare/token";
    public static final String ECHO_PATH = "/api/echo";

    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "loopback-idp");
        t.setDaemon(true);
        return t;
    });
    private final HttpServer server;

    public LoopbackIdp() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] request;
        try (InputStream in = exchange.getRequestBody()) {
            request = in.readAllBytes();
        }
        String path = exchange.getRequestURI().getPath();
        requests.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
        try {
            byte[] body;
            if (path.equals(ECHO_PATH)) {
                exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
                exchange.getResponseHeaders().add("X-Echo", "one");
                exchange.getResponseHeaders().add("X-Echo", "two");
                body = ("echo " + exchange.getRequestMethod() + " " + new String(request, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                try {
                    gate.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                body = ("{\"access_token\":\"tok-" + issued.incrementAndGet()
                        + "\",\"token_type\":\"bearer\",\"expires_in\":3600}").getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException clientGone) {
            // A client that timed out has closed its socket: nothing to answer.
        } finally {
            exchange.close();
        }
    }

    public URL url(String path) throws IOException {
        return new URL("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public int requests(String path) {
        AtomicInteger n = requests.get(path);
        return n == null ? 0 : n.get();
    }

    /** From now on token requests wait for {@link #release()}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    public void release() {
        gate.countDown();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        handlers.shutdownNow();
    }
}
