package io.tokenguard.agent.instrument.apache5;

import io.tokenguard.agent.instrument.ClientContractTest;
import io.tokenguard.agent.instrument.ClientDriver;
import io.tokenguard.agent.instrument.Reply;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

/** Apache HttpClient 5 classic: the adapter as the patched doExecute calls it, one client object for every request. */
class Apache5ContractTest extends ClientContractTest {
    @Override
    protected String clientName() {
        return "apache5";
    }

    @Override
    protected ClientDriver driver() {
        CloseableHttpClient http = HttpClients.createDefault();
        Apache5Adapter adapter = new Apache5Adapter();
        return new ClientDriver() {
            @Override
            public Reply post(URL url, String form, int timeoutMillis, boolean guarded) throws Exception {
                HttpPost post = new HttpPost(url.toURI());
                post.setEntity(new StringEntity(form, ContentType.APPLICATION_FORM_URLENCODED));
                post.setConfig(RequestConfig.custom().setResponseTimeout(timeoutMillis, TimeUnit.MILLISECONDS).build());
                return call(url, post, guarded);
            }

            @Override
            public Reply get(URL url, boolean guarded) throws Exception {
                return call(url, new HttpGet(url.toURI()), guarded);
            }

            @SuppressWarnings("deprecation")
            private Reply call(URL url, HttpUriRequestBase request, boolean guarded) throws ParseException {
                HttpHost target = new HttpHost(url.getProtocol(), url.getHost(), url.getPort());
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
                        for (Header h : response.getHeaders()) {
                            headers.add(h.getName());
                            headers.add(h.getValue());
                        }
                        return Reply.of(response.getCode(), headers,
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
