package io.tokenguard.agent.instrument.apache4;

import io.tokenguard.agent.instrument.ClientContractTest;
import io.tokenguard.agent.instrument.ClientDriver;
import io.tokenguard.agent.instrument.Reply;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

/** Apache HttpClient 4.5: the adapter as the patched doExecute calls it, one client object for every request. */
class Apache4ContractTest extends ClientContractTest {
    @Override
    protected String clientName() {
        return "apache4";
    }

    @Override
    protected ClientDriver driver() {
        CloseableHttpClient http = HttpClients.createDefault();
        Apache4Adapter adapter = new Apache4Adapter();
        return new ClientDriver() {
            @Override
            public Reply post(URL url, String form, int timeoutMillis, boolean guarded) throws Exception {
                HttpPost post = new HttpPost(url.toURI());
                post.setEntity(new StringEntity(form, ContentType.APPLICATION_FORM_URLENCODED));
                post.setConfig(RequestConfig.custom().setSocketTimeout(timeoutMillis).build());
                return call(url, post, guarded);
            }

            @Override
            public Reply get(URL url, boolean guarded) throws Exception {
                return call(url, new HttpGet(url.toURI()), guarded);
            }

            private Reply call(URL url, HttpRequestBase request, boolean guarded) {
                HttpHost target = new HttpHost(url.getHost(), url.getPort(), url.getProtocol());
                HttpClientContext context = HttpClientContext.create();
                try {
                    CloseableHttpResponse r = guarded
                            ? (CloseableHttpResponse) adapter.enter(http, target, request, context, null, null, null)
                            : null;
                    if (r == null) {
                        r = http.execute(target, request, context);
                    }
                    try (CloseableHttpResponse response = r) {
                        List<String> headers = new ArrayList<>();
                        for (Header h : response.getAllHeaders()) {
                            headers.add(h.getName());
                            headers.add(h.getValue());
                        }
                        return Reply.of(response.getStatusLine().getStatusCode(), headers,
                                EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8), response);
                    }
                } catch (IOException e) {
                    return Reply.failed(e);
                }
            }

            @Override
            public Class<?> responseType() {
                return CloseableHttpResponse.class;
            }

            @Override
            public void close() throws IOException {
                http.close();
            }
        };
    }
}
