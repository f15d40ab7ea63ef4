package io.tokenguard.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.instrument.apache4.Apache4Adapter;
import io.tokenguard.agent.instrument.apache5.Apache5Adapter;
import io.tokenguard.agent.instrument.javahttp.JavaHttpClientAdapter;
import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import io.tokenguard.bootstrap.hook.ClientHooks;
import io.tokenguard.bootstrap.urlconnection.UrlConnectionAdapter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fast path of the adapters whose hook runs on every request of the app (not only token ones):
 * for a URL that is no token endpoint, the adapter asks the delegate and lets the call proceed without
 * allocating (the delegate's own match is EndpointCatalogTest's). The app's own objects are made once.
 */
class FastPathAllocationTest {
    private static final int CALLS = 100_000;

    /** Installed, never a token endpoint, and asking it allocates nothing. */
    private static final class NoTokens implements GuardDelegate {
        int asked;

        @Override
        public boolean isTokenEndpoint(String scheme, String host, int port, String path) {
            asked++;
            return false;
        }

        /** As the agent's delegate answers a target with a query: from its path region, in place. */
        @Override
        public boolean isTokenEndpointTarget(String scheme, String host, int port, String requestTarget) {
            asked++;
            return false;
        }

        /** As the agent's delegate answers a URL String: from its path region, without splitting it. */
        @Override
        public boolean isTokenEndpoint(String absoluteUrl) {
            asked++;
            return false;
        }

        @Override
        public int captureMaxBytes() {
            return 65536;
        }

        @Override
        public TokenHttpResponse exchange(TokenHttpRequest request, Upstream upstream) {
            throw new AssertionError("not a token request");
        }

        @Override
        public CompletableFuture<TokenHttpResponse> exchangeAsync(TokenHttpRequest request, AsyncUpstream upstream) {
            throw new AssertionError("not a token request");
        }

        @Override
        public void fault(String stage, Throwable error) {
            throw new AssertionError(stage, error);
        }
    }

    private final NoTokens delegate = new NoTokens();

    @BeforeEach
    void install() {
        Bridge.install(delegate);
    }

    @AfterEach
    void uninstall() {
        Bridge.install(null);
    }

    private void assertAllocationFree(String what, Runnable call) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int round = 0; round < 3; round++) {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < CALLS; i++) {
                call.run();
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            if (round == 2) {
                // The first rounds warm up; after that 100,000 calls may not allocate beyond noise.
                assertThat(allocated).as("bytes allocated by %d %s calls", CALLS, what).isLessThan(16 * 1024);
            }
        }
        assertThat(delegate.asked).isEqualTo(3 * CALLS);
    }

    @Test
    void urlConnection() throws Exception {
        URL url = new URL("http://127.0.0.1:1/api/orders");
        URLConnection connection = url.openConnection();
        // As the patched URL.openConnection calls it: through the hook's slot.
        ClientHooks.install(PatchFixtures.SLOT, HttpClientKind.URLCONNECTION, false, UrlConnectionAdapter.HOOK);
        try {
            assertAllocationFree("URL.openConnection", () -> {
                if (ClientHooks.exit(PatchFixtures.SLOT, url, connection, null) != connection) {
                    throw new AssertionError("wrapped");
                }
            });
        } finally {
            ClientHooks.install(PatchFixtures.SLOT, HttpClientKind.URLCONNECTION, false, null);
        }
    }

    @Test
    void javaNetHttp() {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/api/orders")).build();
        HttpResponse.BodyHandler<String> handler = HttpResponse.BodyHandlers.ofString();
        JavaHttpClientAdapter adapter = new JavaHttpClientAdapter();
        assertAllocationFree("HttpClientImpl.sendAsync", () -> {
            if (adapter.sendAsync(client, request, handler, null, null) != null) {
                throw new AssertionError("guarded");
            }
        });
    }

    @Test
    void apache4() throws Exception {
        try (org.apache.http.impl.client.CloseableHttpClient client =
                     org.apache.http.impl.client.HttpClients.createDefault()) {
            org.apache.http.client.methods.HttpGet get =
                    new org.apache.http.client.methods.HttpGet("http://127.0.0.1:1/api/orders");
            org.apache.http.HttpHost target = new org.apache.http.HttpHost("127.0.0.1", 1, "http");
            assertAllocationFree("Apache 4.5 doExecute", () -> {
                try {
                    if (Apache4Adapter.execute(client, target, get, null) != null) {
                        throw new AssertionError("guarded");
                    }
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    @Test
    void apache5() throws Exception {
        try (org.apache.hc.client5.http.impl.classic.CloseableHttpClient client =
                     org.apache.hc.client5.http.impl.classic.HttpClients.createDefault()) {
            org.apache.hc.client5.http.classic.methods.HttpGet get =
                    new org.apache.hc.client5.http.classic.methods.HttpGet("http://127.0.0.1:1/api/orders");
            org.apache.hc.core5.http.HttpHost target = new org.apache.hc.core5.http.HttpHost("http", "127.0.0.1", 1);
            assertAllocationFree("Apache 5 doExecute", () -> {
                try {
                    if (Apache5Adapter.execute(client, target, get, null) != null) {
                        throw new AssertionError("guarded");
                    }
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    @Test
    void jetty() throws Exception {
        org.eclipse.jetty.client.HttpClient client = new org.eclipse.jetty.client.HttpClient();
        // Never started: the fast path reads the request's own fields and lets Jetty's send go on.
        org.eclipse.jetty.client.Request get = client.newRequest("http://127.0.0.1:1/api/orders");
        org.eclipse.jetty.client.Response.CompleteListener listener = result -> { };
        assertAllocationFree("Jetty HttpRequest.send(listener)", () -> {
            if (io.tokenguard.agent.instrument.jetty.JettyAdapter.send(get, listener) != null) {
                throw new AssertionError("guarded");
            }
        });
    }

    @Test
    void reactorNetty() {
        // A request as an app assembles it, up to its terminal operation (nothing is sent: no subscriber).
        reactor.netty.http.client.HttpClient.ResponseReceiver<?> post = reactor.netty.http.client.HttpClient.create()
                .post().uri("http://127.0.0.1:1/api/orders")
                .send(reactor.netty.ByteBufFlux.fromString(reactor.core.publisher.Mono.just("{}")));
        reactor.netty.http.client.HttpClient.ResponseReceiver<?> get = reactor.netty.http.client.HttpClient.create()
                .get().uri(URI.create("http://127.0.0.1:1/api/orders"));
        io.tokenguard.agent.instrument.reactornetty.ReactorNettyAdapter adapter =
                new io.tokenguard.agent.instrument.reactornetty.ReactorNettyAdapter();
        java.util.function.BiFunction<Object, Object, reactor.core.publisher.Mono<Object>> fn = (r, b) -> null;
        boolean[] which = new boolean[1];
        assertAllocationFree("Reactor Netty HttpClientFinalizer.responseSingle / response", () -> {
            which[0] = !which[0];
            Object answer = which[0] ? adapter.enter(post, fn, null, null, null, null, "responseSingle")
                    : adapter.enter(get, null, null, null, null, null, "response");
            if (answer != null) {
                throw new AssertionError("guarded");
            }
        });
    }

    @Test
    void vertx() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            Object client = vertx.createHttpClient();
            // As an app (or WebClient) builds them: a plain path, and a query the gate reads in place.
            io.vertx.core.http.RequestOptions post = new io.vertx.core.http.RequestOptions()
                    .setMethod(io.vertx.core.http.HttpMethod.POST).setAbsoluteURI("http://127.0.0.1:1/api/orders");
            io.vertx.core.http.RequestOptions get = new io.vertx.core.http.RequestOptions()
                    .setHost("127.0.0.1").setPort(1).setURI("/api/orders?page=2&size=50");
            io.tokenguard.agent.instrument.vertx.VertxAdapter adapter =
                    new io.tokenguard.agent.instrument.vertx.VertxAdapter();
            boolean[] which = new boolean[1];
            assertAllocationFree("Vert.x HttpClientImpl.request(RequestOptions)", () -> {
                which[0] = !which[0];
                if (adapter.enter(client, which[0] ? post : get, null, null, null, null, null) != null) {
                    throw new AssertionError("guarded");
                }
            });
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
