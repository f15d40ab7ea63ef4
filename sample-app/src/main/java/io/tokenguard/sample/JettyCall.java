package io.tokenguard.sample;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The same requests through Jetty 12's HttpClient (12.0 API, which 12.1 keeps): the blocking
 * {@code Request.send()} (jetty) or {@code send(listener)} with a BufferingResponseListener (jetty-async),
 * the caller waiting on the listener's future. Only loaded with --client jetty*, so the sample app needs
 * Jetty (and Java 17) only then. One client, on daemon threads so the app can end.
 */
final class JettyCall {
    private static final HttpClient CLIENT = start();

    private JettyCall() {
    }

    private static HttpClient start() {
        HttpClient client = new HttpClient();
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("sample-jetty");
        threads.setDaemon(true);
        client.setExecutor(threads);
        client.setScheduler(new ScheduledExecutorScheduler("sample-jetty-scheduler", true));
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty's HttpClient did not start", e);
        }
        return client;
    }

    static HttpCall.Response send(boolean async, String method, String url, Map<String, String> headers, String body)
            throws IOException {
        Request request = CLIENT.newRequest(url).method(method).timeout(15, TimeUnit.SECONDS);
        request.headers(h -> headers.forEach(h::put));
        if (body != null) {
            String type = headers.get("Content-Type");
            request.body(new StringRequestContent(type == null ? "text/plain" : type, body));
        }
        try {
            if (!async) {
                ContentResponse r = request.send();
                return response(r, r.getContentAsString());
            }
            CompletableFuture<HttpCall.Response> answer = new CompletableFuture<>();
            request.send(new BufferingResponseListener() {
                @Override
                public void onComplete(Result result) {
                    if (result.isFailed()) {
                        answer.completeExceptionally(result.getFailure());
                    } else {
                        answer.complete(response(result.getResponse(), getContentAsString()));
                    }
                }
            });
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IOException(e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException ? (IOException) e.getCause() : new IOException(e.getCause());
        }
    }

    private static HttpCall.Response response(Response r, String body) {
        List<String[]> fields = new ArrayList<>();
        for (HttpField f : r.getHeaders()) {
            fields.add(new String[] {f.getName(), f.getValue()});
        }
        return new HttpCall.Response(r.getStatus(), r.getReason(), fields, body == null ? "" : body);
    }
}
