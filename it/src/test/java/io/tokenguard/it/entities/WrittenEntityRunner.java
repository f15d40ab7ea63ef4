package io.tokenguard.it.entities;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.http.io.entity.EntityTemplate;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * A careless app (a fresh token before every call) whose request bodies can only write themselves:
 * Spring's RestClient over HttpComponentsClientHttpRequestFactory, Apache's EntityTemplate (4.5 and 5),
 * and one-shot entities that refuse a second write. Args: IdP base URL, then cases
 * {@code name:user:threads:iterations}. Prints {@code case <name> <status>=<count>...} per case.
 */
public final class WrittenEntityRunner {
    private static final String CLIENT_ID = "sample-app-client";
    private static final String CLIENT_SECRET = "sample-app-secret";
    /** Past the agent's default capture.max-bytes (64 KiB); the credentials come last, so a cut body fails. */
    private static final String PAD = "x".repeat(100_000);

    private WrittenEntityRunner() {
    }

    public static void main(String[] args) throws Exception {
        String tokenUrl = args[0] + "/auth/oauth2/token";
        for (int i = 1; i < args.length; i++) {
            String[] c = args[i].split(":");
            Map<String, AtomicInteger> statuses = run(caseOf(c[0], tokenUrl, c[1]), Integer.parseInt(c[2]),
                    Integer.parseInt(c[3]));
            StringBuilder line = new StringBuilder("case ").append(c[0]);
            new TreeMap<>(statuses).forEach((s, n) -> line.append(' ').append(s).append('=').append(n.get()));
            System.out.println(line);
        }
    }

    private static Callable<String> caseOf(String name, String url, String user) {
        String form = "grant_type=password&username=SampleCo%5C" + user + "&password=" + user + "-pw";
        switch (name) {
            case "spring-restclient": {
                CloseableHttpClient http = HttpClients.createDefault();
                RestClient rest = RestClient.builder()
                        .requestFactory(new HttpComponentsClientHttpRequestFactory(http)).build();
                MultiValueMap<String, String> params = new LinkedMultiValueMap<>();
                params.add("grant_type", "password");
                params.add("username", "SampleCo\\" + user);
                params.add("password", user + "-pw");
                return () -> {
                    try {
                        return Integer.toString(rest.post().uri(url)
                                .headers(h -> h.setBasicAuth(CLIENT_ID, CLIENT_SECRET))
                                .contentType(MediaType.APPLICATION_FORM_URLENCODED).body(params)
                                .retrieve().toEntity(String.class).getStatusCode().value());
                    } catch (RestClientResponseException e) {
                        return Integer.toString(e.getStatusCode().value());
                    }
                };
            }
            case "template5": {
                CloseableHttpClient http = HttpClients.createDefault();
                byte[] body = form.getBytes(StandardCharsets.UTF_8);
                return () -> post5(http, url, new EntityTemplate(-1, ContentType.APPLICATION_FORM_URLENCODED, null,
                        out -> out.write(body)));
            }
            case "template4": {
                org.apache.http.impl.client.CloseableHttpClient http = org.apache.http.impl.client.HttpClients
                        .createDefault();
                byte[] body = form.getBytes(StandardCharsets.UTF_8);
                return () -> {
                    org.apache.http.entity.EntityTemplate entity = new org.apache.http.entity.EntityTemplate(
                            out -> out.write(body));
                    entity.setContentType("application/x-www-form-urlencoded");
                    return post4(http, url, entity);
                };
            }
            case "spent5":
            case "over-limit5": {
                CloseableHttpClient http = HttpClients.createDefault();
                byte[] body = (name.startsWith("over") ? "pad=" + PAD + "&" + form : form)
                        .getBytes(StandardCharsets.UTF_8);
                return () -> post5(http, url, new OneShot5(body));
            }
            case "spent4":
            case "over-limit4": {
                org.apache.http.impl.client.CloseableHttpClient http = org.apache.http.impl.client.HttpClients
                        .createDefault();
                byte[] body = (name.startsWith("over") ? "pad=" + PAD + "&" + form : form)
                        .getBytes(StandardCharsets.UTF_8);
                return () -> post4(http, url, new OneShot4(body));
            }
            default:
                throw new IllegalArgumentException("unknown case " + name);
        }
    }

    private static String post5(CloseableHttpClient http, String url, org.apache.hc.core5.http.HttpEntity entity)
            throws IOException {
        HttpPost post = new HttpPost(url);
        post.setHeader(HttpHeaders.AUTHORIZATION, basic());
        post.setEntity(entity);
        return http.execute(post, r -> {
            EntityUtils.consume(r.getEntity());
            return Integer.toString(r.getCode());
        });
    }

    private static String post4(org.apache.http.impl.client.CloseableHttpClient http, String url,
            org.apache.http.HttpEntity entity) throws IOException {
        org.apache.http.client.methods.HttpPost post = new org.apache.http.client.methods.HttpPost(url);
        post.setHeader(HttpHeaders.AUTHORIZATION, basic());
        post.setEntity(entity);
        try (org.apache.http.client.methods.CloseableHttpResponse r = http.execute(post)) {
            org.apache.http.util.EntityUtils.consume(r.getEntity());
            return Integer.toString(r.getStatusLine().getStatusCode());
        }
    }

    private static String basic() {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(
                (CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, AtomicInteger> run(Callable<String> call, int threads, int iterations)
            throws Exception {
        Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < iterations; i++) {
                    String status;
                    try {
                        status = call.call();
                    } catch (Exception e) {
                        status = e.getClass().getSimpleName();
                    }
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        return statuses;
    }

    /** A body that streams once, like an app's InputStream: a second write fails. */
    private static final class OneShot {
        private final byte[] body;
        private boolean written;

        OneShot(byte[] body) {
            this.body = body;
        }

        synchronized void writeTo(OutputStream out) throws IOException {
            if (written) {
                throw new IllegalStateException("a one-shot body written twice");
            }
            written = true;
            new ByteArrayInputStream(body).transferTo(out);
        }
    }

    /** HttpClient 5's one-shot entity: no content, unknown length, not repeatable. */
    private static final class OneShot5 extends AbstractHttpEntity {
        private final OneShot body;

        OneShot5(byte[] body) {
            super(ContentType.APPLICATION_FORM_URLENCODED, null, true);
            this.body = new OneShot(body);
        }

        @Override
        public InputStream getContent() {
            throw new UnsupportedOperationException("writeTo only");
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            body.writeTo(out);
        }

        @Override
        public long getContentLength() {
            return -1;
        }

        @Override
        public boolean isRepeatable() {
            return false;
        }

        @Override
        public boolean isStreaming() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** HttpClient 4.5's. */
    private static final class OneShot4 extends org.apache.http.entity.AbstractHttpEntity {
        private final OneShot body;

        OneShot4(byte[] body) {
            this.body = new OneShot(body);
            setContentType("application/x-www-form-urlencoded");
            setChunked(true);
        }

        @Override
        public InputStream getContent() {
            throw new UnsupportedOperationException("writeTo only");
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            body.writeTo(out);
        }

        @Override
        public long getContentLength() {
            return -1;
        }

        @Override
        public boolean isRepeatable() {
            return false;
        }

        @Override
        public boolean isStreaming() {
            return true;
        }
    }
}
