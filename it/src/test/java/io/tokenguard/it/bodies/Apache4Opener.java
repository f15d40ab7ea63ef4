package io.tokenguard.it.bodies;

import java.io.IOException;
import java.io.InputStream;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/**
 * Apache HttpClient 4.5: execute(request), the entity's content; response.close() shuts the
 * connection down without reading the rest.
 */
final class Apache4Opener implements Opened.Client {
    static final Apache4Opener INSTANCE = new Apache4Opener();

    @Override
    public Opened post(String url, int readTimeoutMillis) throws IOException {
        CloseableHttpClient client = HttpClients.custom().setDefaultRequestConfig(RequestConfig.custom()
                .setConnectTimeout(5_000).setSocketTimeout(readTimeoutMillis).build()).build();
        HttpPost post = new HttpPost(url);
        post.setEntity(new StringEntity(BodyRunner.FORM, ContentType.APPLICATION_FORM_URLENCODED));
        CloseableHttpResponse response = client.execute(post);
        return new Opened() {
            @Override
            public int status() {
                return response.getStatusLine().getStatusCode();
            }

            @Override
            public InputStream body() throws IOException {
                return response.getEntity().getContent();
            }

            @Override
            public void close() throws IOException {
                try {
                    response.close();
                } finally {
                    client.close();
                }
            }
        };
    }
}
