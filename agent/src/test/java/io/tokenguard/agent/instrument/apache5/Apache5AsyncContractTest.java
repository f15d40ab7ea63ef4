package io.tokenguard.agent.instrument.apache5;

import io.tokenguard.agent.instrument.ClientContractTest;
import io.tokenguard.agent.instrument.ClientDriver;
import io.tokenguard.agent.instrument.Reply;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.async.methods.SimpleResponseConsumer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.io.CloseMode;

/**
 * Apache HttpClient 5 async: the adapter as the patched doExecute calls it (no target: the request names
 * it), the answer through the caller's own consumer, whose result is the response the caller gets.
 */
class Apache5AsyncContractTest extends ClientContractTest {
    @Override
    protected String clientName() {
        return "apache5-async";
    }

    @Override
    protected ClientDriver driver() {
        CloseableHttpAsyncClient http = HttpAsyncClients.custom().build();
        http.start();
        Apache5AsyncAdapter adapter = new Apache5AsyncAdapter();
        return new ClientDriver() {
            @Override
            public Reply post(URL url, String form, int timeoutMillis, boolean guarded) throws Exception {
                SimpleHttpRequest post = SimpleRequestBuilder.post(url.toURI())
                        .setBody(form, ContentType.APPLICATION_FORM_URLENCODED).build();
                post.setConfig(RequestConfig.custom().setResponseTimeout(timeoutMillis, TimeUnit.MILLISECONDS).build());
                return call(post, guarded);
            }

            @Override
            public Reply get(URL url, boolean guarded) throws Exception {
                return call(SimpleRequestBuilder.get(url.toURI()).build(), guarded);
            }

            @SuppressWarnings("unchecked")
            private Reply call(SimpleHttpRequest request, boolean guarded) throws Exception {
                AsyncRequestProducer producer = SimpleRequestProducer.create(request);
                AsyncResponseConsumer<SimpleHttpResponse> consumer = SimpleResponseConsumer.create();
                HttpClientContext context = HttpClientContext.create();
                Future<SimpleHttpResponse> f = guarded
                        ? (Future<SimpleHttpResponse>) adapter.enter(http, null, producer, consumer, null, context, null)
                        : null;
                if (f == null) {
                    f = http.execute(producer, consumer, context, null);
                }
                SimpleHttpResponse r;
                try {
                    r = f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    return Reply.failed(e.getCause());
                }
                List<String> headers = new ArrayList<>();
                for (Header h : r.getHeaders()) {
                    headers.add(h.getName());
                    headers.add(h.getValue());
                }
                return Reply.of(r.getCode(), headers, r.getBodyText(), r);
            }

            @Override
            public Class<?> responseType() {
                return SimpleHttpResponse.class;
            }

            @Override
            public void close() {
                http.close(CloseMode.GRACEFUL);
            }
        };
    }
}
