package io.tokenguard.agent.instrument;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Review fixture: an IdP on {@link LoopbackIdp#TOKEN_PATH} (and {@link LoopbackIdp#BARE_PATH}, which no
 * rule guards) that remembers what each token it issued was asked for: the body and the Authorization
 * header it received. A test can then tell whether the token an app got was issued for the credentials
 * that app sent.
 */
public final class RecordingIdp implements AutoCloseable {
    private final AtomicInteger issued = new AtomicInteger();
    /** token to "body | authorization" as the IdP received them. */
    private final Map<String, String> askedFor = new ConcurrentHashMap<>();
    public final List<String> received = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    /** When set, a request without Authorization is answered 401 with a Basic challenge (realm "idp"). */
    public volatile boolean challenge;
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "recording-idp");
        t.setDaemon(true);
        return t;
    });
    private final HttpServer server;

    public RecordingIdp() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            byte[] request;
            try (InputStream in = exchange.getRequestBody()) {
                request = in.readAllBytes();
            }
            String seen = new String(request, StandardCharsets.UTF_8) + " | "
                    + exchange.getRequestHeaders().getFirst("Authorization");
            if (challenge && exchange.getRequestHeaders().getFirst("Authorization") == null) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"idp\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            received.add(seen);
            try {
                gate.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String token = "tok-" + issued.incrementAndGet();
            askedFor.put(token, seen);
            byte[] body = ("{\"access_token\":\"" + token + "\",\"token_type\":\"bearer\",\"expires_in\":3600}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException gone) {
            // the client went away
        } finally {
            exchange.close();
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** What the IdP received when it issued the token in this JSON answer ("body | authorization"). */
    public String askedFor(String answer) {
        int at = answer == null ? -1 : answer.indexOf("tok-");
        if (at < 0) {
            return "no token in " + answer;
        }
        return askedFor.get(answer.substring(at, answer.indexOf('"', at)));
    }

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
