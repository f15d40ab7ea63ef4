package io.tokenguard.agent.instrument.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tokenguard.agent.instrument.ClientContractTest;
import io.tokenguard.agent.instrument.ClientDriver;
import io.tokenguard.agent.instrument.LoopbackIdp;
import io.tokenguard.agent.instrument.Reply;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Vert.x's raw HttpClient as a future-style app uses it; and the cases of its own: callbacks on the
 * caller's context, a body written in parts, the pooled connection after a hit, followers on one event
 * loop, pipelining and a body over the capture limit passing untouched.
 */
class VertxContractTest extends ClientContractTest {
    @Override
    protected String clientName() {
        return "vertx";
    }

    @Override
    protected ClientDriver driver() {
        return new VertxDriver();
    }

    private VertxDriver vertx() {
        return (VertxDriver) client;
    }

    private URL token() throws Exception {
        return idp.url(LoopbackIdp.TOKEN_PATH);
    }

    @Test
    void theAppsCallbacksRunOnItsOwnContextForAHit() throws Exception {
        VertxDriver d = vertx();
        assertThat(d.post(token(), FORM, 10_000, true).status).isEqualTo(200);
        Context context = d.vertx.getOrCreateContext();
        CompletableFuture<String> where = new CompletableFuture<>();
        URL url = token();
        context.runOnContext(v -> d.request(VertxDriver.post(url, 10_000), true)
                .compose(r -> r.send(Buffer.buffer(FORM)))
                .onComplete(ar -> where.complete(ar.succeeded() && Vertx.currentContext() == context
                        ? ar.result().getHeader("X-TokenGuard") + " on the caller's context" : "elsewhere: " + ar.cause())));
        assertThat(where.get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("cache on the caller's context");
        assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(1);
        assertThat(faults()).isEmpty();
    }

    @Test
    void aBodyWrittenInPartsIsGuardedAsAWhole() throws Exception {
        VertxDriver d = vertx();
        List<Reply> replies = new ArrayList<>();
        URL url = token();
        for (int i = 0; i < 2; i++) {
            int third = FORM.length() / 3;
            RequestOptions o = VertxDriver.post(url, 10_000);
            replies.add(d.onVertx(() -> d.request(o, true).compose(r -> {
                r.setChunked(true);
                r.write(FORM.substring(0, third));
                r.write(FORM.substring(third, 2 * third));
                return r.end(FORM.substring(2 * third)).compose(v -> r.response());
            }).compose(VertxDriver::read)));
        }
        assertThat(replies.get(0).status).as(replies.get(0).toString()).isEqualTo(200);
        assertThat(replies.get(0).marker()).isNull();
        assertThat(replies.get(1).marker()).isEqualTo("cache");
        assertThat(replies.get(1).body).isEqualTo(replies.get(0).body);
        assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(1);
        assertThat(faults()).isEmpty();
    }

    /**
     * A thread outside Vert.x builds its chain while the answer may already come, and Vert.x drops data
     * that comes before the app's handlers: such a request goes as without TokenGuard.
     */
    @Test
    void aRequestFromAThreadOutsideVertxPassesUntouched() throws Exception {
        VertxDriver d = vertx();
        assertThat(d.post(token(), FORM, 10_000, true).status).isEqualTo(200);
        Reply outside = VertxDriver.await(d.request(VertxDriver.post(token(), 10_000), true)
                .compose(r -> r.send(Buffer.buffer(FORM))).compose(VertxDriver::read));
        assertThat(outside.status).as(outside.toString()).isEqualTo(200);
        assertThat(outside.marker()).isNull();
        assertThat(entered()).isEqualTo(1);
        assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(2);
        assertThat(faults()).isEmpty();
    }

    @Test
    void aHitGivesItsPooledConnectionBack() throws Exception {
        try (VertxDriver d = new VertxDriver(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(1))) {
            List<String> markers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Reply r = d.post(token(), FORM, 10_000, true);
                assertThat(r.status).as(r.toString()).isEqualTo(200);
                markers.add(String.valueOf(r.marker()));
            }
            // The one connection, after two answers that never went on it, still serves a plain request.
            Reply echo = d.get(idp.url(LoopbackIdp.ECHO_PATH), true);
            assertThat(echo.status).as(echo.toString()).isEqualTo(200);
            assertThat(echo.body).isEqualTo("echo GET ");
            assertThat(markers).containsExactly("null", "cache", "cache");
            assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(1);
            assertThat(faults()).isEmpty();
        }
    }

    @Test
    void followersWaitWithoutHoldingTheirOneEventLoopThread() {
        assertTimeoutPreemptively(BOUND, () -> {
            Vertx single = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
            try {
                io.vertx.core.http.HttpClient http = single.createHttpClient(new HttpClientOptions(),
                        new PoolOptions().setHttp1MaxSize(16));
                VertxAdapter adapter = vertx().adapter;
                idp.hold();
                List<CompletableFuture<Reply>> calls = new ArrayList<>();
                URL url = token();
                for (int i = 0; i < 8; i++) {
                    RequestOptions o = VertxDriver.post(url, 0);
                    CompletableFuture<Reply> f = new CompletableFuture<>();
                    single.runOnContext(v -> {
                        @SuppressWarnings("unchecked")
                        Future<io.vertx.core.http.HttpClientRequest> req = (Future<io.vertx.core.http.HttpClientRequest>)
                                adapter.enter(http, o, null, null, null, null, null);
                        req.compose(r -> r.send(Buffer.buffer(FORM))).compose(res -> res.body().map(b -> Reply.of(
                                        res.statusCode(), List.of("thread", Thread.currentThread().getName()), b.toString(),
                                        res)))
                                .onComplete(ar -> f.complete(ar.succeeded() ? ar.result() : Reply.failed(ar.cause())));
                    });
                    calls.add(f);
                }
                Awaitility.await("all reached the guard").atMost(BOUND).pollInterval(Duration.ofMillis(5))
                        .until(() -> entered() >= 8);
                idp.release();
                List<String> bodies = new ArrayList<>();
                for (CompletableFuture<Reply> f : calls) {
                    Reply r = f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                    assertThat(r.status).as(r.toString()).isEqualTo(200);
                    assertThat(r.headers).allMatch(h -> h.startsWith("thread: vert.x-eventloop-thread-0"));
                    bodies.add(r.body);
                }
                assertThat(Collections.frequency(bodies, bodies.get(0))).isEqualTo(8);
                assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(1);
                assertThat(faults()).isEmpty();
            } finally {
                single.close().toCompletionStage().toCompletableFuture().get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    @Test
    void aPipeliningClientPassesUntouched() throws Exception {
        try (VertxDriver d = new VertxDriver(new HttpClientOptions().setPipelining(true))) {
            Reply first = d.post(token(), FORM, 10_000, true);
            Reply second = d.post(token(), FORM, 10_000, true);
            assertThat(first.status).as(first.toString()).isEqualTo(200);
            assertThat(second.marker()).isNull();
            assertThat(entered()).isZero();
            assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(2);
        }
    }

    @Test
    void aBodyOverTheCaptureLimitGoesAsWritten() throws Exception {
        StringBuilder big = new StringBuilder(FORM);
        while (big.length() <= 70 * 1024) {
            big.append("&pad=0123456789abcdef0123456789abcdef");
        }
        Reply r = vertx().post(token(), big.toString(), 10_000, true);
        assertThat(r.status).as(r.toString()).isEqualTo(200);
        assertThat(r.marker()).isNull();
        assertThat(entered()).isZero();
        assertThat(idp.requests(LoopbackIdp.TOKEN_PATH)).isEqualTo(1);
        assertThat(faults()).isEmpty();
    }

    @Test
    void aQueryOnANonTokenPathIsNotGuarded() throws Exception {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET)
                .setAbsoluteURI(idp.url(LoopbackIdp.ECHO_PATH) + "?q=1");
        Reply r = vertx().onVertx(() -> vertx().request(o, true)
                .compose(io.vertx.core.http.HttpClientRequest::send).compose(VertxDriver::read));
        assertThat(r.status).as(r.toString()).isEqualTo(200);
        assertThat(requestClients()).isEmpty();
        assertThat(faults()).isEmpty();
    }
}
