package io.tokenguard.agent.instrument.reactornetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.tokenguard.agent.instrument.ClientContractTest;
import io.tokenguard.agent.instrument.ClientDriver;
import io.tokenguard.agent.instrument.LoopbackIdp;
import io.tokenguard.agent.instrument.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.ByteBufMono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Reactor Netty as a blocking app uses it: {@code responseSingle(...).block()}; and the cases of its own:
 * every terminal operation, a body written in parts, the pooled connection after a hit, followers on a
 * single event-loop thread, a body over the capture limit.
 */
class ReactorNettyContractTest extends ClientContractTest {
    @Override
    protected String clientName() {
        return "reactor-netty";
    }

    @Override
    protected ClientDriver driver() {
        return new ReactorNettyDriver() {
            @Override
            Reply call(HttpClient.ResponseReceiver<?> request, boolean guarded) {
                BiFunction<HttpClientResponse, ByteBufMono, Mono<Reply>> fn = single();
                Mono<Reply> m = funnel(request, guarded, "responseSingle", fn, () -> request.responseSingle(fn));
                return m.onErrorResume(e -> Mono.just(Reply.failed(e))).block(BOUND);
            }
        };
    }

    private ReactorNettyDriver reactor() {
        return (ReactorNettyDriver) client;
    }

    private HttpClient.ResponseReceiver<?> tokenPost(HttpClient http) throws Exception {
        return http.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded")).post()
                .uri(idp.url(LoopbackIdp.TOKEN_PATH).toString()).send(ByteBufFlux.fromString(Mono.just(FORM)));
    }

    private static String marker(HttpClientResponse r) {
        return r.responseHeaders().get("X-TokenGuard");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyTerminalOperationIsAnsweredFromTheCache() throws Exception {
        ReactorNettyDriver d = reactor();
        Reply first = d.post(idp.url(LoopbackIdp.TOKEN_PATH), FORM, 10_000, true);
        assertThat(first.status).as(first.toString()).isEqualTo(200);

        HttpClientResponse response = ((Mono<HttpClientResponse>) d.adapter.enter(tokenPost(d.http), null, null, null,
                null, null, "response")).block(BOUND);
        assertThat(response.status().code()).isEqualTo(200);
        assertThat(marker(response)).isEqualTo("cache");

        BiFunction<HttpClientResponse, ByteBufFlux, Publisher<String>> flux = (res, body) ->
                body.aggregate().asString().map(s -> marker(res) + " " + s);
        String viaFlux = ((Flux<String>) d.adapter.enter(tokenPost(d.http), flux, null, null, null, null,
                "responseFlux")).blockLast(BOUND);
        assertThat(viaFlux).startsWith("cache ").contains("tok-1");

        BiFunction<HttpClientResponse, Connection, Publisher<String>> conn = (res, c) ->
                c.inbound().receive().aggregate().asString().map(s -> marker(res) + " " + s);
        String viaConnection = ((Flux<String>) d.adapter.enter(tokenPost(d.http), conn, null, null, null, null,
                "responseConnection")).blockLast(BOUND);
        assertThat(viaConnection).startsWith("cache ").contains("tok-1");

        String content = ((ByteBufFlux) d.adapter.enter(tokenPost(d.http), null, null, null, null, null,
                "responseContent")).aggregate().asString().block(BOUND);
        assertThat(content).contains("tok-1");

        assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(1);
        assertThat(entered()).isEqualTo(5);
        assertThat(faults()).isEmpty();
    }

    @Test
    void aBodyWrittenInPartsIsGuardedAsAWhole() throws Exception {
        ReactorNettyDriver d = reactor();
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int third = FORM.length() / 3;
            Flux<ByteBuf> parts = Flux.just(FORM.substring(0, third), FORM.substring(third, 2 * third),
                    FORM.substring(2 * third)).map(s -> Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
            HttpClient.ResponseReceiver<?> request = d.http
                    .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded")).post()
                    .uri(idp.url(LoopbackIdp.TOKEN_PATH).toString()).send(parts);
            replies.add(d.call(request, true));
        }
        assertThat(replies.get(0).status).as(replies.get(0).toString()).isEqualTo(200);
        assertThat(replies.get(0).marker()).isNull();
        assertThat(replies.get(1).marker()).isEqualTo("cache");
        assertThat(replies.get(1).body).isEqualTo(replies.get(0).body);
        assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(1);
        assertThat(faults()).isEmpty();
    }

    @Test
    void aHitGivesItsPooledConnectionBack() throws Exception {
        ConnectionProvider one = ConnectionProvider.builder("tg-one").maxConnections(1)
                .pendingAcquireTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpClient http = HttpClient.create(one).runOn(reactor().loops);
            ReactorNettyDriver d = reactor();
            BiFunction<HttpClientResponse, ByteBufMono, Mono<Reply>> fn = ReactorNettyDriver.single();
            List<String> markers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Reply r = d.<Mono<Reply>>funnel(tokenPost(http), true, "responseSingle", fn, null).block(BOUND);
                assertThat(r.status).as(r.toString()).isEqualTo(200);
                markers.add(String.valueOf(r.marker()));
            }
            // The one connection, after two answers that never went on it, still serves a plain request.
            Reply echo = http.get().uri(idp.url(LoopbackIdp.ECHO_PATH).toString()).responseSingle(fn).block(BOUND);
            assertThat(echo.status).isEqualTo(200);
            assertThat(echo.body).isEqualTo("echo GET ");
            assertThat(markers).containsExactly("null", "cache", "cache");
            assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(1);
            assertThat(faults()).isEmpty();
        } finally {
            one.disposeLater().block(BOUND);
        }
    }

    @Test
    void followersWaitWithoutHoldingTheirOneEventLoopThread() {
        assertTimeoutPreemptively(BOUND, () -> {
            LoopResources single = LoopResources.create("tg-single", 1, true);
            ConnectionProvider pool = ConnectionProvider.create("tg-single", 16);
            try {
                HttpClient http = HttpClient.create(pool).runOn(single);
                ReactorNettyDriver d = reactor();
                BiFunction<HttpClientResponse, ByteBufMono, Mono<Reply>> fn = (res, body) -> {
                    String thread = Thread.currentThread().getName();
                    return body.asString().map(s -> Reply.of(res.status().code(), List.of("thread", thread), s, res));
                };
                idp.hold();
                List<CompletableFuture<Reply>> calls = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    CompletableFuture<Reply> f = new CompletableFuture<>();
                    d.<Mono<Reply>>funnel(tokenPost(http), true, "responseSingle", fn, null)
                            .subscribe(f::complete, e -> f.complete(Reply.failed(e)));
                    calls.add(f);
                }
                Awaitility.await("all reached the guard").atMost(BOUND).pollInterval(Duration.ofMillis(5))
                        .until(() -> entered() >= 8);
                idp.release();
                List<String> bodies = new ArrayList<>();
                for (CompletableFuture<Reply> f : calls) {
                    Reply r = f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                    assertThat(r.status).as(r.toString()).isEqualTo(200);
                    assertThat(r.headers).allMatch(h -> h.startsWith("thread: tg-single"));
                    bodies.add(r.body);
                }
                assertThat(Collections.frequency(bodies, bodies.get(0))).isEqualTo(8);
                assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(1);
                assertThat(faults()).isEmpty();
            } finally {
                pool.disposeLater().block(BOUND);
                single.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(BOUND);
            }
        });
    }

    @Test
    void aBodyOverTheCaptureLimitGoesAsWritten() throws Exception {
        StringBuilder big = new StringBuilder(FORM);
        while (big.length() <= 70 * 1024) {
            big.append("&pad=0123456789abcdef0123456789abcdef");
        }
        Reply r = reactor().post(idp.url(LoopbackIdp.TOKEN_PATH), big.toString(), 10_000, true);
        assertThat(r.status).as(r.toString()).isEqualTo(200);
        assertThat(r.marker()).isNull();
        assertThat(entered()).isZero();
        assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(1);
        assertThat(faults()).isEmpty();
    }

    @Test
    void aLeaderThatTimesOutFailsAsTheBareClient() {
        assertTimeoutPreemptively(BOUND, () -> {
            idp.hold();
            Reply bare = reactor().post(idp.url(LoopbackIdp.BARE_PATH), FORM, 300, false);
            Reply leader = reactor().post(idp.url(LoopbackIdp.TOKEN_PATH), FORM, 300, true);
            assertThat(bare.failure).as(bare.toString()).isEqualTo("io.netty.handler.timeout.ReadTimeoutException");
            assertThat(leader.failure).as(leader.toString()).isEqualTo(bare.failure);
            idp.release();
            // The connection that timed out is gone; the next call is served as usual.
            Reply next = reactor().post(idp.url(LoopbackIdp.TOKEN_PATH), FORM, 10_000, true);
            assertThat(next.status).as(next.toString()).isEqualTo(200);
            assertThat(faults()).isEmpty();
        });
    }

    /** followRedirect(true): the first hop is the guarded call; Reactor's own next hop passes below the guard. */
    @Test
    void aRedirectHopReactorFollowsIsNotGuardedAgain() throws Exception {
        com.sun.net.httpserver.HttpServer moved = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.concurrent.atomic.AtomicInteger hops = new java.util.concurrent.atomic.AtomicInteger();
        moved.createContext("/", ex -> {
            hops.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().add("Location", idp.url(LoopbackIdp.TOKEN_PATH).toString());
            ex.sendResponseHeaders(307, -1);
            ex.close();
        });
        moved.start();
        try {
            ReactorNettyDriver d = reactor();
            HttpClient.ResponseReceiver<?> request = d.http.followRedirect(true)
                    .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded")).post()
                    .uri("http://127.0.0.1:" + moved.getAddress().getPort() + LoopbackIdp.TOKEN_PATH)
                    .send(ByteBufFlux.fromString(Mono.just(FORM)));
            Reply r = d.call(request, true);
            assertThat(r.status).as(r.toString()).isEqualTo(200);
            assertThat(r.body).contains("tok-1");
            assertThat(hops.get()).isEqualTo(1);
            assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(1);
            // One guarded call: the 307 hop; the hop to the IdP went below the guard.
            assertThat(entered()).isEqualTo(1);
            assertThat(faults()).isEmpty();
        } finally {
            moved.stop(0);
        }
    }
}
