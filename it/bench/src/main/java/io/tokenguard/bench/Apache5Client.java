package io.tokenguard.bench;

import java.io.IOException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

/** Apache HttpClient 5 classic, execute(request), entity consumed so the connection is reused. */
final class Apache5Client implements Client {
    private final CloseableHttpClient client = HttpClients.custom()
            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                    .setMaxConnPerRoute(64).setMaxConnTotal(64).build())
            .build();

    @Override
    public int get(String url) throws IOException {
        return execute(new HttpGet(url));
    }

    @Override
    public int postForm(String url, String authorization, String form) throws IOException {
        HttpPost post = new HttpPost(url);
        post.setHeader("Authorization", authorization);
        post.setEntity(new StringEntity(form, ContentType.APPLICATION_FORM_URLENCODED));
        return execute(post);
    }

    @SuppressWarnings("deprecation") // execute(request) returning the response: the most common call in apps
    private int execute(ClassicHttpRequest request) throws IOException {
        try (CloseableHttpResponse r = client.execute(request)) {
            EntityUtils.consume(r.getEntity());
            return r.getCode();
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
