package io.tokenguard.sample;

import java.io.IOException;
import java.util.Map;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.DefaultServiceUnavailableRetryStrategy;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

/**
 * The same requests through Apache HttpClient 4.5, with execute(request) or a ResponseHandler.
 * Only loaded with --client apache4*, so HttpClient is needed on the class path only then.
 */
final class ApacheHttpClientCall {
    private static final CloseableHttpClient CLIENT = HttpClients.custom()
            .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(15_000).setSocketTimeout(15_000).build())
            .setMaxConnTotal(64)
            .setMaxConnPerRoute(64)
            // The app's own protocol interceptor (see InterceptorCalls) and a retry of a 503 token answer.
            .addInterceptorLast((org.apache.http.HttpRequestInterceptor) (request, context) -> {
                if (InterceptorCalls.isTokenPath(java.net.URI.create(request.getRequestLine().getUri()).getPath())) {
                    InterceptorCalls.NETWORK.incrementAndGet();
                }
                request.setHeader(InterceptorCalls.NETWORK_HEADER, "network");
            })
            .setServiceUnavailableRetryStrategy(new DefaultServiceUnavailableRetryStrategy(1, 1))
            .build();

    private ApacheHttpClientCall() {
    }

    static HttpCall.Response send(boolean responseHandler, String method, String url, Map<String, String> headers,
                                  String body) throws IOException {
        HttpRequestBase request;
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
            return CLIENT.execute(request, ApacheHttpClientCall::response);
        }
        try (CloseableHttpResponse r = CLIENT.execute(request)) {
            return response(r);
        }
    }

    private static HttpCall.Response response(org.apache.http.HttpResponse r) throws IOException {
        java.util.List<String[]> fields = new java.util.ArrayList<>();
        for (org.apache.http.Header h : r.getAllHeaders()) {
            fields.add(new String[] {h.getName(), h.getValue()});
        }
        return new HttpCall.Response(r.getStatusLine().getStatusCode(), r.getStatusLine().getReasonPhrase(), fields,
                r.getEntity() == null ? "" : EntityUtils.toString(r.getEntity()));
    }
}
