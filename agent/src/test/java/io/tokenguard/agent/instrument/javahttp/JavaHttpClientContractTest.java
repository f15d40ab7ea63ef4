package io.tokenguard.agent.instrument.javahttp;

import io.tokenguard.agent.instrument.ClientContractTest;
import io.tokenguard.agent.instrument.ClientDriver;
import io.tokenguard.agent.instrument.Reply;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** java.net.http: the adapter as the patched HttpClientImpl.sendAsync funnel calls it, for send and sendAsync alike. */
class JavaHttpClientContractTest extends ClientContractTest {
    @Override
    protected String clientName() {
        return "jdkhttp";
    }

    @Override
    protected ClientDriver driver() {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        JavaHttpClientAdapter adapter = new JavaHttpClientAdapter();
        return new ClientDriver() {
            @Override
            public Reply post(URL url, String form, int timeoutMillis, boolean guarded) throws Exception {
                HttpRequest.Builder b = HttpRequest.newBuilder(url.toURI())
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .header("Content-Type", "application/x-www-form-urlencoded");
                if (timeoutMillis > 0) {
                    b.timeout(Duration.ofMillis(timeoutMillis));
                }
                return call(b.build(), guarded);
            }

            @Override
            public Reply get(URL url, boolean guarded) throws Exception {
                return call(HttpRequest.newBuilder(url.toURI()).GET().build(), guarded);
            }

            private Reply call(HttpRequest request, boolean guarded) throws Exception {
                HttpResponse.BodyHandler<String> handler = HttpResponse.BodyHandlers.ofString();
                @SuppressWarnings("unchecked")
                CompletableFuture<HttpResponse<String>> f = guarded
                        ? (CompletableFuture<HttpResponse<String>>) adapter.sendAsync(http, request, handler, null, null)
                        : null;
                if (f == null) {
                    f = http.sendAsync(request, handler);
                }
                HttpResponse<String> r;
                try {
                    r = f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    return Reply.failed(e.getCause());
                }
                List<String> headers = new ArrayList<>();
                for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
                    for (String v : h.getValue()) {
                        headers.add(h.getKey());
                        headers.add(v);
                    }
                }
                return Reply.of(r.statusCode(), headers, r.body(), r);
            }

            @Override
            public Class<?> responseType() {
                return HttpResponse.class;
            }
        };
    }
}
