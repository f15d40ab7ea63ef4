package io.tokenguard.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** An OTLP/HTTP metrics (and traces) receiver on 127.0.0.1 with an ephemeral port; it keeps every POST it gets. */
final class LocalCollector implements AutoCloseable {
    /** One POST: its path, its body (protobuf bytes as ISO-8859-1 text, so names read as-is), and when. */
    static final class Push {
        final String path;
        final String body;
        final boolean appStillRunning;

        Push(String path, String body, boolean appStillRunning) {
            this.path = path;
            this.body = body;
            this.appStillRunning = appStillRunning;
        }
    }

    private final HttpServer server;
    private final List<Push> pushes = new CopyOnWriteArrayList<>();
    private volatile BooleanSupplier appRunning = () -> true;

    LocalCollector() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                if ("POST".equals(exchange.getRequestMethod())) {
                    pushes.add(new Push(exchange.getRequestURI().getPath(),
                            new String(in.readAllBytes(), StandardCharsets.ISO_8859_1), appRunning.getAsBoolean()));
                }
                exchange.sendResponseHeaders(200, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** Marks each push with whether the app was still running when it came (set before the app starts). */
    void appRunning(BooleanSupplier running) {
        this.appRunning = running;
    }

    String metricsUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/metrics";
    }

    String tracesUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    List<Push> pushes() {
        return pushes;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
