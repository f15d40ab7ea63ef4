package io.tokenguard.sample;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.entity.StringAsyncEntityConsumer;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http.nio.support.BasicResponseConsumer;
import org.apache.hc.core5.reactor.IOReactorConfig;

/**
 * The same requests through Apache HttpClient 5 async: {@code execute(SimpleHttpRequest, callback)}
 * (apache5-async) or {@code execute(AsyncRequestProducer, AsyncResponseConsumer, callback)}
 * (apache5-async-producer). The caller waits on the Future; the client's reactor threads do the I/O.
 */
final class ApacheHttpAsyncClient5Call {
    private static final CloseableHttpAsyncClient CLIENT = start();

    private ApacheHttpAsyncClient5Call() {
    }

    private static CloseableHttpAsyncClient start() {
        CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(15, TimeUnit.SECONDS).build())
                // One I/O reactor thread: if anything ever blocked it while a request waits for an identical
                // one in flight, every request would hang, and the coalescing tests would time out.
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build())
                .setRetryStrategy(new ApacheHttpClient5Call.RetryOnce503())
                .addRequestInterceptorLast((request, entity, context) -> {
                    if (InterceptorCalls.isTokenPath(request.getPath())) {
                        InterceptorCalls.NETWORK.incrementAndGet();
                    }
                    request.setHeader(InterceptorCalls.NETWORK_HEADER, "network");
                })
                .build();
        client.start();
        return client;
    }

    static HttpCall.Response send(boolean producer, String method, String url, Map<String, String> headers,
                                  String body) throws IOException {
        String type = headers.get("Content-Type");
        ContentType contentType = type == null ? ContentType.TEXT_PLAIN : ContentType.parse(type);
        try {
            if (producer) {
                AsyncRequestBuilder b = AsyncRequestBuilder.create(method).setUri(URI.create(url));
                headers.forEach(b::setHeader);
                if (body != null) {
                    b.setEntity(body, contentType);
                }
                AsyncRequestProducer request = b.build();
                Future<Message<HttpResponse, String>> answer = CLIENT.execute(request,
                        new BasicResponseConsumer<>(new StringAsyncEntityConsumer()), null);
                Message<HttpResponse, String> m = answer.get();
                return response(m.getHead(), m.getBody());
            }
            SimpleHttpRequest request = SimpleHttpRequest.create(method, URI.create(url));
            headers.forEach(request::setHeader);
            if (body != null) {
                request.setBody(body, contentType);
            }
            SimpleHttpResponse r = CLIENT.execute(request, null).get();
            return response(r, r.getBodyText());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException ? (IOException) e.getCause() : new IOException(e.getCause());
        }
    }

    private static HttpCall.Response response(HttpResponse r, String body) {
        List<String[]> fields = new ArrayList<>();
        for (Header h : r.getHeaders()) {
            fields.add(new String[] {h.getName(), h.getValue()});
        }
        return new HttpCall.Response(r.getCode(), r.getReasonPhrase(), fields, body == null ? "" : body);
    }
}
