package io.tokenguard.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A body that breaks while the adapter reads it (here: it stalls past the client's read timeout after
 * its first bytes) through the OkHttp and Apache adapters, called as their hooks call them: the app
 * gets the status and headers, the bytes that arrived, and then the very failure where the client
 * itself throws it (on the body read; for the async client, its consumer's and its future's failure),
 * exactly as the bare client, asked first, does. One request at the IdP per call.
 */
class BodyThroughAdaptersTest {
    private static final int READ_TIMEOUT = 700;
    private static final String ARRIVED = "{\"access_token\":";

    /** Sends upstream: the adapter's own capture is what is under test. */
    private static final class SendingGuard implements GuardDelegate {
        final List<TokenHttpResponse> answers = new CopyOnWriteArrayList<>();
        final List<String> faults = new CopyOnWriteArrayList<>();

        @Override
        public boolean isTokenEndpoint(String scheme, String host, int port, String path) {
            return true;
        }

        @Override
        public int captureMaxBytes() {
            return 4096;
        }

        @Override
        public long bodyWaitMillis() {
            return 60_000;
        }

        @Override
        public TokenHttpResponse exchange(TokenHttpRequest request, Upstream upstream) throws IOException {
            TokenHttpResponse r = upstream.send();
            answers.add(r);
            return r;
        }

        @Override
        public CompletableFuture<TokenHttpResponse> exchangeAsync(TokenHttpRequest request, AsyncUpstream upstream) {
            return upstream.send().whenComplete((r, e) -> {
                if (r != null) {
                    answers.add(r);
                }
            });
        }

        @Override
        public void fault(String stage, Throwable error) {
            faults.add(stage + ": " + error);
        }
    }

    /** Answers 200 with a promised 100-byte body, sends its first bytes, then stalls until the test ends. */
    private static final class StallingIdp implements AutoCloseable {
        final ServerSocket server;
        final AtomicInteger requests = new AtomicInteger();
        final CountDownLatch over = new CountDownLatch(1);

        StallingIdp() throws IOException {
            server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "stalling-idp");
            t.setDaemon(true);
            t.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/token";
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> answer(s), "stalling-idp-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void answer(Socket socket) {
            try (Socket s = socket) {
                InputStream in = s.getInputStream();
                int length = 0;
                StringBuilder line = new StringBuilder();
                for (int c = in.read(); c >= 0; c = in.read()) {
                    if (c == '\n') {
                        String h = line.toString().trim();
                        if (h.isEmpty()) {
                            break;
                        }
                        if (h.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(h.substring(15).trim());
                        }
                        line.setLength(0);
                    } else {
                        line.append((char) c);
                    }
                }
                in.readNBytes(length);
                requests.incrementAndGet();
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n" + ARRIVED)
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                over.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            over.countDown();
            server.close();
        }
    }

    /** One client, called bare or through its adapter; returns what the app saw. */
    enum Client {
        OKHTTP {
            @Override
            String call(String url, boolean guarded) throws Exception {
                okhttp3.OkHttpClient.Builder b = new okhttp3.OkHttpClient.Builder()
                        .readTimeout(READ_TIMEOUT, TimeUnit.MILLISECONDS);
                if (guarded) {
                    // As the patched OkHttpClient(Builder) installs it in an agent-attached JVM: the client's guard, last.
                    okhttp3.OkHttpClient bare = b.build();
                    b = bare.newBuilder().addInterceptor((okhttp3.Interceptor) io.tokenguard.agent.instrument.okhttp
                            .GuardingInterceptor.install(bare, b, java.util.Collections.emptyList()).get(0));
                }
                okhttp3.Request request = new okhttp3.Request.Builder().url(url).post(okhttp3.RequestBody.create(
                        okhttp3.MediaType.parse("application/x-www-form-urlencoded"), "grant_type=client_credentials"))
                        .build();
                try (okhttp3.Response r = b.build().newCall(request).execute()) {
                    return read(r.code(), r.body().byteStream());
                }
            }
        },
        APACHE4 {
            @Override
            String call(String url, boolean guarded) throws Exception {
                try (org.apache.http.impl.client.CloseableHttpClient client = org.apache.http.impl.client.HttpClients
                        .custom().setDefaultRequestConfig(org.apache.http.client.config.RequestConfig.custom()
                                .setSocketTimeout(READ_TIMEOUT).build()).build()) {
                    org.apache.http.client.methods.HttpPost post = new org.apache.http.client.methods.HttpPost(url);
                    post.setEntity(new org.apache.http.entity.StringEntity("grant_type=client_credentials",
                            org.apache.http.entity.ContentType.APPLICATION_FORM_URLENCODED));
                    org.apache.http.HttpHost target = org.apache.http.HttpHost.create(url.substring(0, url.indexOf("/token")));
                    org.apache.http.client.protocol.HttpClientContext context =
                            org.apache.http.client.protocol.HttpClientContext.create();
                    org.apache.http.client.methods.CloseableHttpResponse r = guarded
                            ? (org.apache.http.client.methods.CloseableHttpResponse)
                                    io.tokenguard.agent.instrument.apache4.Apache4Adapter.execute(client, target, post,
                                            context)
                            : client.execute(target, post, context);
                    try {
                        return read(r.getStatusLine().getStatusCode(), r.getEntity().getContent());
                    } finally {
                        r.close();
                    }
                }
            }
        },
        APACHE5 {
            @Override
            @SuppressWarnings("deprecation")
            String call(String url, boolean guarded) throws Exception {
                try (org.apache.hc.client5.http.impl.classic.CloseableHttpClient client =
                             org.apache.hc.client5.http.impl.classic.HttpClients.custom().setDefaultRequestConfig(
                                     org.apache.hc.client5.http.config.RequestConfig.custom()
                                             .setResponseTimeout(READ_TIMEOUT, TimeUnit.MILLISECONDS).build()).build()) {
                    org.apache.hc.client5.http.classic.methods.HttpPost post =
                            new org.apache.hc.client5.http.classic.methods.HttpPost(url);
                    post.setEntity(new org.apache.hc.core5.http.io.entity.StringEntity("grant_type=client_credentials",
                            org.apache.hc.core5.http.ContentType.APPLICATION_FORM_URLENCODED));
                    org.apache.hc.core5.http.HttpHost target = org.apache.hc.core5.http.HttpHost.create(URI.create(url));
                    org.apache.hc.client5.http.protocol.HttpClientContext context =
                            org.apache.hc.client5.http.protocol.HttpClientContext.create();
                    org.apache.hc.client5.http.impl.classic.CloseableHttpResponse r = guarded
                            ? (org.apache.hc.client5.http.impl.classic.CloseableHttpResponse)
                                    io.tokenguard.agent.instrument.apache5.Apache5Adapter.execute(client, target, post,
                                            context)
                            : client.execute(target, post, context);
                    try {
                        return read(r.getCode(), r.getEntity().getContent());
                    } finally {
                        try {
                            r.close();
                        } catch (IOException ignored) {
                            // closing reads the rest of a broken body: it fails again
                        }
                    }
                }
            }
        },
        APACHE5_ASYNC {
            @Override
            String call(String url, boolean guarded) throws Exception {
                try (org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient client =
                             org.apache.hc.client5.http.impl.async.HttpAsyncClients.custom().setDefaultRequestConfig(
                                     org.apache.hc.client5.http.config.RequestConfig.custom()
                                             .setResponseTimeout(READ_TIMEOUT, TimeUnit.MILLISECONDS).build()).build()) {
                    client.start();
                    StringBuilder seen = new StringBuilder();
                    org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer<String> consumer =
                            new org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer<String>() {
                                @Override
                                protected void start(org.apache.hc.core5.http.HttpResponse response,
                                                     org.apache.hc.core5.http.ContentType contentType) {
                                    synchronized (seen) {
                                        seen.append(response.getCode()).append(' ');
                                    }
                                }

                                @Override
                                protected int capacityIncrement() {
                                    return 65536;
                                }

                                @Override
                                protected void data(ByteBuffer src, boolean endOfStream) {
                                    synchronized (seen) {
                                        seen.append(StandardCharsets.UTF_8.decode(src));
                                    }
                                }

                                @Override
                                protected String buildResult() {
                                    return "complete";
                                }

                                @Override
                                public void releaseResources() {
                                }
                            };
                    org.apache.hc.core5.http.nio.AsyncRequestProducer producer =
                            new org.apache.hc.core5.http.nio.support.BasicRequestProducer(
                                    org.apache.hc.core5.http.Method.POST, URI.create(url),
                                    new org.apache.hc.core5.http.nio.entity.StringAsyncEntityProducer(
                                            "grant_type=client_credentials",
                                            org.apache.hc.core5.http.ContentType.APPLICATION_FORM_URLENCODED));
                    org.apache.hc.core5.http.HttpHost target = org.apache.hc.core5.http.HttpHost.create(URI.create(url));
                    @SuppressWarnings("unchecked")
                    Future<String> f = guarded
                            ? (Future<String>) io.tokenguard.agent.instrument.apache5.Apache5AsyncAdapter.execute(
                                    client, target, producer, consumer, null,
                                    org.apache.hc.client5.http.protocol.HttpClientContext.create(), null)
                            : client.execute(target, producer, consumer, null,
                                    org.apache.hc.client5.http.protocol.HttpClientContext.create(), null);
                    String outcome;
                    try {
                        outcome = f.get(10, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        outcome = "failed " + e.getCause().getClass().getName();
                    }
                    synchronized (seen) {
                        return seen + " then " + outcome;
                    }
                }
            }
        };

        abstract String call(String url, boolean guarded) throws Exception;
    }

    private static String read(int status, InputStream in) {
        StringBuilder sb = new StringBuilder().append(status).append(' ');
        try {
            for (int b = in.read(); b >= 0; b = in.read()) {
                sb.append((char) b);
            }
            return sb + " then complete";
        } catch (IOException e) {
            return sb + " then " + e.getClass().getName();
        }
    }

    private SendingGuard guard;

    @BeforeEach
    void install() {
        guard = new SendingGuard();
        Bridge.install(guard);
    }

    @AfterEach
    void uninstall() {
        Bridge.install(null);
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void aBodyThatBreaksWhileReadBreaksWhereTheBareClientBreaks(Client client) throws Exception {
        try (StallingIdp idp = new StallingIdp()) {
            String bare = client.call(idp.url(), false);
            String guarded = client.call(idp.url(), true);
            assertThat(bare).startsWith("200 " + ARRIVED + " then ");
            assertThat(guarded).isEqualTo(bare);
            assertThat(idp.requests).hasValue(2);
            assertThat(guard.faults).isEmpty();
        }
    }
}
