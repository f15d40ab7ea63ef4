package io.tokenguard.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.instrument.apache4.Apache4Adapter;
import io.tokenguard.agent.instrument.apache5.Apache5Adapter;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.http.io.entity.EntityTemplate;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Review of the integrate branch's writeTo capture (EntityCapture / WrittenBody): a repeatable entity is
 * written once for the guard's key and once more by the client for the wire. Whatever the second write
 * sends is what the IdP answers, and that answer is stored under the first write's key.
 */
class ReviewApacheEntityTest {
    private static final String ALICE = "grant_type=password&username=alice&password=alice-pw";
    private static final String BOB = "grant_type=password&username=bob&password=bob-pw";

    private RecordingIdp idp;
    private ContractGuard guard;

    @BeforeEach
    void start() throws Exception {
        idp = new RecordingIdp();
        guard = new ContractGuard(LoopbackIdp.TOKEN_PATH);
    }

    @AfterEach
    void stop() {
        guard.close();
        idp.close();
    }

    // ---------------------------------------------------------------- Apache 5

    @SuppressWarnings("deprecation")
    private static String post5(CloseableHttpClient http, URI uri, HttpEntity entity, boolean guarded) throws Exception {
        HttpPost post = new HttpPost(uri);
        post.setEntity(entity);
        HttpHost target = new HttpHost(uri.getScheme(), uri.getHost(), uri.getPort());
        HttpClientContext context = HttpClientContext.create();
        CloseableHttpResponse r = guarded
                ? (CloseableHttpResponse) new Apache5Adapter().enter(http, target, post, context, null, null, null)
                : null;
        if (r == null) {
            r = http.execute(target, post, context);
        }
        try (CloseableHttpResponse response = r) {
            return EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
        }
    }

    /** An EntityTemplate (repeatable by Apache's definition) over a stream the app has once. */
    private static EntityTemplate oneShotTemplate5(String form) {
        InputStream in = new ByteArrayInputStream(form.getBytes(StandardCharsets.UTF_8));
        return new EntityTemplate(-1, ContentType.APPLICATION_FORM_URLENCODED, null, out -> in.transferTo(out));
    }

    /** A repeatable entity whose writes differ: the bodies in order, the last one for every later write. */
    private static HttpEntity changing5(String... forms) {
        Deque<String> next = new ArrayDeque<>(java.util.List.of(forms));
        return new AbstractHttpEntity(ContentType.APPLICATION_FORM_URLENCODED, null) {
            @Override
            public boolean isRepeatable() {
                return true;
            }

            @Override
            public long getContentLength() {
                return -1;
            }

            @Override
            public InputStream getContent() {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isStreaming() {
                return false;
            }

            @Override
            public void writeTo(OutputStream out) throws java.io.IOException {
                String form = next.size() > 1 ? next.poll() : next.peek();
                out.write(form.getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void apache5OneShotEntityTemplateReachesTheIdpAsTheAppWroteIt() throws Exception {
        URI token = idp.uri(LoopbackIdp.TOKEN_PATH);
        URI bare = idp.uri(LoopbackIdp.BARE_PATH);
        try (CloseableHttpClient http = HttpClients.createDefault()) {
            post5(http, bare, oneShotTemplate5(ALICE), false);
            assertThat(idp.received).as("without the agent").containsExactly(ALICE + " | null");

            String answer = post5(http, token, oneShotTemplate5(ALICE), true);
            // The guard's write spent the stream: the client's own write then sends nothing.
            assertThat(idp.received).as("with the agent").containsExactly(ALICE + " | null", ALICE + " | null");
            assertThat(idp.askedFor(answer)).isEqualTo(ALICE + " | null");
        }
    }

    @Test
    void apache5TokenIsNeverServedForABodyItWasNotFetchedFor() throws Exception {
        URI token = idp.uri(LoopbackIdp.TOKEN_PATH);
        try (CloseableHttpClient http = HttpClients.createDefault()) {
            // The guard keys this call on its first write (alice); the client's own write sends bob.
            post5(http, token, changing5(ALICE, BOB), true);
            // A later, plain request for alice.
            String alice = post5(http, token, new StringEntity(ALICE, ContentType.APPLICATION_FORM_URLENCODED), true);
            assertThat(idp.askedFor(alice)).as("alice's token was issued for").isEqualTo(ALICE + " | null");
        }
    }

    // ---------------------------------------------------------------- Apache 4.5

    private static String post4(org.apache.http.impl.client.CloseableHttpClient http, URI uri,
                                org.apache.http.HttpEntity entity, boolean guarded) throws Exception {
        org.apache.http.client.methods.HttpPost post = new org.apache.http.client.methods.HttpPost(uri);
        post.setEntity(entity);
        org.apache.http.HttpHost target = new org.apache.http.HttpHost(uri.getHost(), uri.getPort(), uri.getScheme());
        org.apache.http.client.protocol.HttpClientContext context = org.apache.http.client.protocol.HttpClientContext.create();
        org.apache.http.client.methods.CloseableHttpResponse r = guarded
                ? (org.apache.http.client.methods.CloseableHttpResponse) new Apache4Adapter()
                        .enter(http, target, post, context, null, null, null)
                : null;
        if (r == null) {
            r = http.execute(target, post, context);
        }
        try (org.apache.http.client.methods.CloseableHttpResponse response = r) {
            return org.apache.http.util.EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void apache4OneShotEntityTemplateReachesTheIdpAsTheAppWroteIt() throws Exception {
        URI token = idp.uri(LoopbackIdp.TOKEN_PATH);
        try (org.apache.http.impl.client.CloseableHttpClient http = org.apache.http.impl.client.HttpClients.createDefault()) {
            InputStream in = new ByteArrayInputStream(ALICE.getBytes(StandardCharsets.UTF_8));
            org.apache.http.entity.EntityTemplate template = new org.apache.http.entity.EntityTemplate(out -> in.transferTo(out));
            template.setContentType("application/x-www-form-urlencoded");
            String answer = post4(http, token, template, true);
            assertThat(idp.received).containsExactly(ALICE + " | null");
            assertThat(idp.askedFor(answer)).isEqualTo(ALICE + " | null");
        }
    }
}
