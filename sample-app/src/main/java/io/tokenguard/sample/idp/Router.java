package io.tokenguard.sample.idp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * Dispatches on the exact path. HttpServer contexts match by prefix, so a single root context
 * with an exact lookup keeps /api/data from also answering /api/data/anything.
 */
final class Router implements HttpHandler {
    private final Map<String, Endpoint> routes;
    private final Counters counters;

    Router(Map<String, Endpoint> routes, Counters counters) {
        this.routes = Map.copyOf(routes);
        this.counters = counters;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            IdpRequest request = new IdpRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
            counters.hit(request);
            send(exchange, answer(request));
        } finally {
            exchange.close();
        }
    }

    IdpReply answer(IdpRequest request) {
        Endpoint endpoint = routes.get(request.path());
        if (endpoint == null) {
            return IdpReply.json(404, "{\"error\":\"not_found\"}");
        }
        try {
            return endpoint.handle(request);
        } catch (RuntimeException e) {
            // Only the exception type: messages could carry request data.
            return IdpReply.json(500, "{\"error\":\"server_error\",\"error_description\":\""
                    + e.getClass().getSimpleName() + "\"}");
        }
    }

    private static void send(HttpExchange exchange, IdpReply reply) throws IOException {
        for (String[] h : reply.headers()) {
            exchange.getResponseHeaders().add(h[0], h[1]);
        }
        byte[] body = reply.body();
        boolean noBody = "HEAD".equals(exchange.getRequestMethod()) || body.length == 0;
        exchange.sendResponseHeaders(reply.status(), noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
