package io.tokenguard.bench;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.FormRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.Fields;

/** Jetty 12 HttpClient, the blocking send() most apps use, one started client for every call. */
final class JettyBenchClient implements Client {
    private final HttpClient client = new HttpClient();

    JettyBenchClient() {
        client.setMaxConnectionsPerDestination(64);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start Jetty's HttpClient", e);
        }
    }

    @Override
    public int get(String url) throws IOException {
        try {
            return client.newRequest(url).send().getStatus();
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IOException(e);
        }
    }

    @Override
    public int postForm(String url, String authorization, String form) throws IOException {
        Fields fields = new Fields();
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            fields.add(java.net.URLDecoder.decode(pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
        }
        try {
            ContentResponse r = client.POST(url).headers(h -> h.put("Authorization", authorization))
                    .body(new FormRequestContent(fields)).send();
            return r.getStatus();
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            client.stop();
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
