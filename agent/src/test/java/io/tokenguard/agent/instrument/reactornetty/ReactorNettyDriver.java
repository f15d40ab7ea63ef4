package io.tokenguard.agent.instrument.reactornetty;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.tokenguard.agent.instrument.ClientDriver;
import io.tokenguard.agent.instrument.Reply;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Reactor Netty for the contract suite: one HttpClient on its own pool and event loops; each request's
 * terminal operation goes through the adapter as the patched {@code HttpClientFinalizer} method calls it
 * (a null answer: Reactor's own method goes on), or straight to Reactor (bare). A subclass says which of
 * the five terminal operations the app uses and how it waits.
 */
abstract class ReactorNettyDriver implements ClientDriver {
    static final Duration BOUND = Duration.ofSeconds(30);
    final ConnectionProvider pool = ConnectionProvider.create("tg-contract", 8);
    final LoopResources loops = LoopResources.create("tg-contract", 2, true);
    final HttpClient http = HttpClient.create(pool).runOn(loops);
    final ReactorNettyAdapter adapter = new ReactorNettyAdapter();

    /** The app's terminal operation on a request ready to send, through the adapter when guarded. */
    abstract Reply call(HttpClient.ResponseReceiver<?> request, boolean guarded) throws Exception;

    @Override
    public Reply post(URL url, String form, int timeoutMillis, boolean guarded) throws Exception {
        HttpClient c = timeoutMillis > 0 ? http.responseTimeout(Duration.ofMillis(timeoutMillis)) : http;
        return call(c.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded"))
                .post().uri(url.toString()).send(ByteBufFlux.fromString(Mono.just(form))), guarded);
    }

    @Override
    public Reply get(URL url, boolean guarded) throws Exception {
        return call(http.responseTimeout(Duration.ofSeconds(10)).get().uri(url.toString()), guarded);
    }

    /** The funnel as patched: the adapter's answer, else Reactor's own method. */
    @SuppressWarnings("unchecked")
    <T> T funnel(HttpClient.ResponseReceiver<?> request, boolean guarded, String tag, Object fn,
                 java.util.function.Supplier<T> own) {
        T answer = guarded ? (T) adapter.enter(request, fn, null, null, null, null, tag) : null;
        if (answer == null && own == null) {
            throw new AssertionError("not guarded");
        }
        return answer != null ? answer : own.get();
    }

    static Reply reply(HttpClientResponse r, String body) {
        List<String> headers = new ArrayList<>();
        for (Map.Entry<String, String> e : r.responseHeaders()) {
            headers.add(e.getKey());
            headers.add(e.getValue());
        }
        return Reply.of(r.status().code(), headers, body, r);
    }

    static BiFunction<HttpClientResponse, reactor.netty.ByteBufMono, Mono<Reply>> single() {
        return (res, body) -> body.asString().defaultIfEmpty("").map(s -> reply(res, s));
    }

    @Override
    public Class<?> responseType() {
        return HttpClientResponse.class;
    }

    @Override
    public void close() {
        pool.disposeLater().block(BOUND);
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(BOUND);
    }
}
