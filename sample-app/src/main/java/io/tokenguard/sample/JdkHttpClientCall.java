package io.tokenguard.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/** The same requests through java.net.http.HttpClient, blocking (send) or asynchronous (sendAsync). */
final class JdkHttpClientCall {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(15))
            .build();

    private JdkHttpClientCall() {
    }

    static HttpCall.Response send(boolean async, String method, String url, Map<String, String> headers, String body)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = async
                    ? CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).get()
                    : CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            java.util.List<String[]> fields = new java.util.ArrayList<>();
            r.headers().map().forEach((name, values) -> values.forEach(v -> fields.add(new String[] {name, v})));
            return new HttpCall.Response(r.statusCode(), null, fields, r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException ? (IOException) e.getCause() : new IOException(e.getCause());
        }
    }
}
