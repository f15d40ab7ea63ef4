package io.tokenguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Followers of a leader whose upstream hangs, through the Apache HttpClient 4.5 and 5 classic
 * adapters (called as their patched doExecute calls them) and a real guard: each follower gives up
 * after the socket / response timeout its own client would read with, taken from wherever the client
 * takes it (the request's config, the context's, the client's default), and fails as the client
 * itself fails at that timeout, which is taken from the client first, without the guard.
 */
class ApacheFollowersTest extends AgainstHangingIdp {
    /** Where a follower's timeout is set, as an app would set it. */
    enum TimeoutFrom { REQUEST, CONTEXT, CLIENT }

    /** One Apache major version: its clients, and one token request through one of them. */
    interface Apache {
        /** A client whose default config reads with this timeout (0: the library's default, none). */
        java.io.Closeable client(int defaultTimeoutMillis);

        /** Returns "status body" or "exception: message". */
        String post(java.io.Closeable client, URL url, boolean guarded, int timeoutMillis, TimeoutFrom from)
                throws Exception;
    }

    private static final Apache APACHE4 = new Apache() {
        @Override
        public java.io.Closeable client(int defaultTimeoutMillis) {
            org.apache.http.impl.client.HttpClientBuilder builder = org.apache.http.impl.client.HttpClients.custom();
            if (defaultTimeoutMillis > 0) {
                builder.setDefaultRequestConfig(org.apache.http.client.config.RequestConfig.custom()
                        .setSocketTimeout(defaultTimeoutMillis).build());
            }
            return builder.build();
        }

        @Override
        public String post(java.io.Closeable c, URL url, boolean guarded, int timeout, TimeoutFrom from)
                throws Exception {
            org.apache.http.impl.client.CloseableHttpClient client =
                    (org.apache.http.impl.client.CloseableHttpClient) c;
            org.apache.http.client.config.RequestConfig config =
                    org.apache.http.client.config.RequestConfig.custom().setSocketTimeout(timeout).build();
            try {
                org.apache.http.client.methods.HttpPost post = new org.apache.http.client.methods.HttpPost(url.toURI());
                post.setHeader("Authorization", TestRequests.basic("app", "app-secret"));
                post.setEntity(new org.apache.http.entity.StringEntity("grant_type=client_credentials",
                        org.apache.http.entity.ContentType.APPLICATION_FORM_URLENCODED));
                if (from == TimeoutFrom.REQUEST) {
                    post.setConfig(config);
                }
                org.apache.http.client.protocol.HttpClientContext context =
                        org.apache.http.client.protocol.HttpClientContext.create();
                if (from == TimeoutFrom.CONTEXT) {
                    context.setRequestConfig(config);
                }
                org.apache.http.HttpHost target = new org.apache.http.HttpHost(url.getHost(), url.getPort(), "http");
                org.apache.http.client.methods.CloseableHttpResponse response = guarded
                        ? (org.apache.http.client.methods.CloseableHttpResponse)
                                io.tokenguard.agent.instrument.apache4.Apache4Adapter.execute(client, target, post,
                                        context)
                        : client.execute(target, post, context);
                assertThat(response).as("the adapter guarded the request").isNotNull();
                try (org.apache.http.client.methods.CloseableHttpResponse r = response) {
                    return r.getStatusLine().getStatusCode() + " "
                            + org.apache.http.util.EntityUtils.toString(r.getEntity(), StandardCharsets.UTF_8);
                }
            } catch (java.io.IOException e) {
                return e.getClass().getName() + ": " + e.getMessage();
            }
        }
    };

    private static final Apache APACHE5 = new Apache() {
        @Override
        public java.io.Closeable client(int defaultTimeoutMillis) {
            org.apache.hc.client5.http.impl.classic.HttpClientBuilder builder =
                    org.apache.hc.client5.http.impl.classic.HttpClients.custom();
            if (defaultTimeoutMillis > 0) {
                builder.setDefaultRequestConfig(org.apache.hc.client5.http.config.RequestConfig.custom()
                        .setResponseTimeout(defaultTimeoutMillis, TimeUnit.MILLISECONDS).build());
            }
            return builder.build();
        }

        @Override
        public String post(java.io.Closeable c, URL url, boolean guarded, int timeout, TimeoutFrom from)
                throws Exception {
            org.apache.hc.client5.http.impl.classic.CloseableHttpClient client =
                    (org.apache.hc.client5.http.impl.classic.CloseableHttpClient) c;
            org.apache.hc.client5.http.config.RequestConfig config = org.apache.hc.client5.http.config.RequestConfig
                    .custom().setResponseTimeout(timeout, TimeUnit.MILLISECONDS).build();
            try {
                org.apache.hc.client5.http.classic.methods.HttpPost post =
                        new org.apache.hc.client5.http.classic.methods.HttpPost(url.toURI());
                post.setHeader("Authorization", TestRequests.basic("app", "app-secret"));
                post.setEntity(new org.apache.hc.core5.http.io.entity.StringEntity("grant_type=client_credentials",
                        org.apache.hc.core5.http.ContentType.APPLICATION_FORM_URLENCODED));
                if (from == TimeoutFrom.REQUEST) {
                    post.setConfig(config);
                }
                org.apache.hc.client5.http.protocol.HttpClientContext context =
                        org.apache.hc.client5.http.protocol.HttpClientContext.create();
                if (from == TimeoutFrom.CONTEXT) {
                    context.setRequestConfig(config);
                }
                org.apache.hc.core5.http.HttpHost target =
                        new org.apache.hc.core5.http.HttpHost("http", url.getHost(), url.getPort());
                @SuppressWarnings("deprecation")
                org.apache.hc.client5.http.impl.classic.CloseableHttpResponse response = guarded
                        ? (org.apache.hc.client5.http.impl.classic.CloseableHttpResponse)
                                io.tokenguard.agent.instrument.apache5.Apache5Adapter.execute(client, target, post,
                                        context)
                        : client.execute(target, post, context);
                assertThat(response).as("the adapter guarded the request").isNotNull();
                try (org.apache.hc.client5.http.impl.classic.CloseableHttpResponse r = response) {
                    return r.getCode() + " " + org.apache.hc.core5.http.io.entity.EntityUtils.toString(r.getEntity(),
                            StandardCharsets.UTF_8);
                }
            } catch (java.io.IOException e) {
                return e.getClass().getName() + ": " + e.getMessage();
            }
        }
    };

    private static final class Call {
        final String name;
        final int timeoutMillis;
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        volatile long elapsedNanos;

        Call(String name, int timeoutMillis) {
            this.name = name;
            this.timeoutMillis = timeoutMillis;
        }

        String result() {
            assertThat(outcome).as(name).succeedsWithin(BOUND);
            return outcome.join();
        }
    }

    private static Call start(Apache apache, java.io.Closeable client, String name, URL url, boolean guarded,
                              int timeoutMillis, TimeoutFrom from, Queue<String> finished) {
        Call call = new Call(name, timeoutMillis);
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            String result;
            try {
                result = apache.post(client, url, guarded, timeoutMillis, from);
            } catch (Throwable e) {
                result = "unexpected " + e;
            }
            call.elapsedNanos = System.nanoTime() - t0;
            if (finished != null) {
                finished.add(name);
            }
            call.outcome.complete(result);
        }, name);
        t.setDaemon(true);
        t.start();
        return call;
    }

    @ParameterizedTest(name = "Apache {0}")
    @ValueSource(ints = {4, 5})
    void followersOfAHangingLeaderEachGiveUpAtTheirClientsOwnTimeout(int major) {
        Apache apache = major == 4 ? APACHE4 : APACHE5;
        assertTimeoutPreemptively(BOUND.multipliedBy(2), () -> {
            String alone;
            try (HangingIdp bare = new HangingIdp(); java.io.Closeable client = apache.client(0)) {
                alone = start(apache, client, "bare", bare.url(HangingIdp.BARE_PATH), false, 300, TimeoutFrom.REQUEST,
                        null).result();
            }
            assertThat(alone).contains("SocketTimeoutException");

            // One client for all: an answer is shared (and waited for) only between requests of the same
            // client object, which holds what its exec chain adds (default headers, interceptors,
            // credentials). Its default config reads with 1.8 s; the leader's own config never times out.
            try (java.io.Closeable shared = apache.client(1_800)) {
                URL url = idp.url(HangingIdp.TOKEN_PATH);
                Call leader = start(apache, shared, "leader", url, true, 0, TimeoutFrom.REQUEST, null);
                Awaitility.await("the leader's request reached the IdP").atMost(BOUND)
                        .pollInterval(Duration.ofMillis(5)).until(() -> idp.requests(HangingIdp.TOKEN_PATH) == 1);
                Queue<String> finished = new ConcurrentLinkedQueue<>();
                List<Call> followers = new ArrayList<>();
                followers.add(start(apache, shared, "client-1800", url, true, 1_800, TimeoutFrom.CLIENT, finished));
                followers.add(start(apache, shared, "request-300", url, true, 300, TimeoutFrom.REQUEST, finished));
                followers.add(start(apache, shared, "context-900", url, true, 900, TimeoutFrom.CONTEXT, finished));
                for (Call f : followers) {
                    assertThat(f.result()).as(f.name).isEqualTo(alone);
                    assertThat(TimeUnit.NANOSECONDS.toMillis(f.elapsedNanos)).as(f.name)
                            .isBetween((long) f.timeoutMillis, f.timeoutMillis + 20_000L);
                }
                assertThat(finished).containsExactly("request-300", "context-900", "client-1800");
                assertThat(leader.outcome).as("the leader still waits for its upstream").isNotDone();
                assertThat(idp.requests(HangingIdp.TOKEN_PATH)).isEqualTo(1);

                idp.release();
                assertThat(leader.result()).startsWith("200 ").contains("tok-hung");
                assertThat(idp.requests(HangingIdp.TOKEN_PATH)).isEqualTo(1);
                assertThat(bridged.faults).isEmpty();
            }
        });
    }
}
