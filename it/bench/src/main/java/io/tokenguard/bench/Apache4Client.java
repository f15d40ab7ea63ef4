package io.tokenguard.bench;

import java.io.IOException;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

/** Apache HttpClient 4.5 classic, execute(request), entity consumed so the connection is reused. */
final class Apache4Client implements Client {
    private final CloseableHttpClient client = HttpClients.custom().setMaxConnPerRoute(64).setMaxConnTotal(64).build();

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

    private int execute(HttpUriRequest request) throws IOException {
        try (CloseableHttpResponse r = client.execute(request)) {
            EntityUtils.consume(r.getEntity());
            return r.getStatusLine().getStatusCode();
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
