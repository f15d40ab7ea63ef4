package io.tokenguard.it.bodies;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * Apache HttpClient 5 classic: execute(request), the entity's content. Closing a response reads its
 * body to the end (to keep the connection), so an app that wants no more first cancels the request.
 */
final class Apache5Opener implements Opened.Client {
    static final Apache5Opener INSTANCE = new Apache5Opener();

    @Override
    @SuppressWarnings("deprecation")
    public Opened post(String url, int readTimeoutMillis) throws IOException {
        CloseableHttpClient client = HttpClients.custom().setDefaultRequestConfig(RequestConfig.custom()
                .setResponseTimeout(readTimeoutMillis, TimeUnit.MILLISECONDS).build()).build();
        HttpPost post = new HttpPost(url);
        post.setEntity(new StringEntity(BodyRunner.FORM, ContentType.APPLICATION_FORM_URLENCODED));
        CloseableHttpResponse response = client.execute(post);
        return new Opened() {
            @Override
            public int status() {
                return response.getCode();
            }

            @Override
            public InputStream body() throws IOException {
                return response.getEntity().getContent();
            }

            @Override
            public void close() throws IOException {
                post.cancel();
                try {
                    response.close();
                } catch (IOException afterCancel) {
                    // the connection is gone: what cancel() is for
                } finally {
                    client.close();
                }
            }
        };
    }
}
