package io.tokenguard.sample;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * The same requests through Apache HttpClient 5 classic, with execute(request) or a response handler.
 * Only loaded with --client apache5*, so HttpClient 5 is needed on the class path only then.
 */
final class ApacheHttpClient5Call {
    private static final CloseableHttpClient CLIENT = HttpClients.custom()
            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                    .setMaxConnTotal(64).setMaxConnPerRoute(64).build())
            .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(15, TimeUnit.SECONDS).build())
            // HttpClient 5.6 retries a 429 after its Retry-After (60 s at Eloqua): the careless app shows the 429,
            // and retries only a 503 once, at once.
            .setRetryStrategy(new RetryOnce503())
            // The app's own protocol interceptor (see InterceptorCalls).
            .addRequestInterceptorLast((request, entity, context) -> {
                if (InterceptorCalls.isTokenPath(request.getPath())) {
                    InterceptorCalls.NETWORK.incrementAndGet();
                }
                request.setHeader(InterceptorCalls.NETWORK_HEADER, "network");
            })
            .build();

    private ApacheHttpClient5Call() {
    }

    @SuppressWarnings("deprecation")
    static HttpCall.Response send(boolean responseHandler, String method, String url, Map<String, String> headers,
                                  String body) throws IOException {
        HttpUriRequestBase request;
        if (body == null) {
            request = new HttpGet(url);
        } else {
            HttpPost post = new HttpPost(url);
            String type = headers.get("Content-Type");
            post.setEntity(new StringEntity(body, type == null ? ContentType.TEXT_PLAIN : ContentType.parse(type)));
            request = post;
        }
        headers.forEach(request::setHeader);
        if (responseHandler) {
            return CLIENT.execute(request, ApacheHttpClient5Call::response);
        }
        try (CloseableHttpResponse r = CLIENT.execute(request)) {
            return response(r);
        }
    }

    private static HttpCall.Response response(org.apache.hc.core5.http.ClassicHttpResponse r) throws IOException {
        java.util.List<String[]> fields = new java.util.ArrayList<>();
        for (org.apache.hc.core5.http.Header h : r.getHeaders()) {
            fields.add(new String[] {h.getName(), h.getValue()});
        }
        return new HttpCall.Response(r.getCode(), r.getReasonPhrase(), fields, text(r.getEntity()));
    }

    /** One immediate retry of a 503 answer; no retry of I/O errors or of any other status. */
    static final class RetryOnce503 implements HttpRequestRetryStrategy {
        @Override
        public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
            return false;
        }

        @Override
        public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
            return execCount <= 1 && response.getCode() == 503;
        }

        @Override
        public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
            return TimeValue.ZERO_MILLISECONDS;
        }
    }

    private static String text(org.apache.hc.core5.http.HttpEntity entity) throws IOException {
        try {
            return entity == null ? "" : EntityUtils.toString(entity);
        } catch (ParseException e) {
            throw new IOException(e);
        }
    }
}
