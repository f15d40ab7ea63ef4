package io.tokenguard.agent.instrument.vertx;

import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.adapter.CallDepth;
import io.tokenguard.bootstrap.adapter.ClientExchange;
import io.tokenguard.bootstrap.adapter.ClientFailure;
import io.tokenguard.bootstrap.hook.ClientHooks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.impl.HttpClientImpl;

/**
 * Vert.x {@code HttpClient} adapter (4.5 and 5.0), defined in a child of the app's vertx-core class
 * loader: what the patched {@code HttpClientImpl.request(RequestOptions)} asks first. Every future-style
 * request of the raw client ends there, and so does every request of Vert.x's WebClient (and of what runs
 * over it, Quarkus's OIDC client); 5.x's client wrappers delegate to it.
 *
 * <p>The gate reads the request's parts as {@code RequestOptions} keeps them (host, port, TLS and the
 * request target, the client's defaults when unset) and asks the delegate in place: nothing is allocated
 * for a request that is no token request. A token request is made unguarded, and the future the app gets
 * is that request's, with the shared pipeline handler put in front of it on the connection Vert.x
 * acquired, before the app can write anything: the app's callbacks run where Vert.x runs them, on its
 * event loop, with Vert.x's own response objects. Pipelining and HTTP/2 clients pass untouched (a held
 * request would reorder their responses; HTTP/2 has no HTTP objects on the pipeline).
 *
 * <p>Only a request made on a Vert.x thread (an event loop or a worker: a verticle, Quarkus) is guarded.
 * Vert.x drops response data that comes before the app's handlers for it, and an app on a thread of its
 * own builds its chain ({@code request(o).compose(send).compose(body)}) while the response may already
 * be coming: over a network the round trip hides that race, a cache hit answered in microseconds loses
 * it (seen: empty bodies on 4.5, a body that never ends on 5.0). On a Vert.x thread the whole chain is
 * built in the task that made the request, before any completion can run. Other threads pass untouched.
 */
public final class VertxAdapter implements ClientHooks.Hook {
    /**
     * How much longer than Vert.x's own timer the guard lets a waiting request wait: Vert.x's timer ends it
     * first, as it ends the bare client's (its TimeoutException, the stream reset, the connection closed).
     */
    private static final long GRACE_MILLIS = 1000;

    private static final ClientExchange.Target<RequestOptions, HttpClientImpl> TOKEN_URL = (guard, request, client) -> {
        String target = request.getURI();
        if (target == null || target.isEmpty() || target.charAt(0) != '/') {
            return false;
        }
        HttpClientOptions options = client.options();
        String host = request.getHost();
        Integer port = request.getPort();
        Boolean ssl = request.isSsl();
        boolean secure = ssl != null ? ssl : options.isSsl();
        return guard.isTokenEndpointTarget(secure ? "https" : "http", host != null ? host : options.getDefaultHost(),
                port != null ? port : options.getDefaultPort(), target);
    };

    @Override
    public Object enter(Object self, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5) {
        if (!(self instanceof HttpClientImpl) || !(a0 instanceof RequestOptions)) {
            return null;
        }
        HttpClientImpl client = (HttpClientImpl) self;
        RequestOptions request = (RequestOptions) a0;
        GuardDelegate guard = ClientExchange.admit(HttpClientKind.VERTX, request, client, TOKEN_URL);
        if (guard == null || Vertx.currentContext() == null) {
            return null;
        }
        HttpClientOptions options = client.options();
        if (options.isPipelining() || options.getProtocolVersion() == HttpVersion.HTTP_2) {
            return null;
        }
        long timeout = VertxUrl.timeoutMillis(request);
        // Vert.x's timer runs from the request and stops at the head it sees: the call's own head reaches it
        // within half of it, whatever of the body has come by then streaming on.
        VertxTokenHook hook = new VertxTokenHook(guard, VertxUrl.of(request, options),
                timeout == 0 ? 0 : timeout + GRACE_MILLIS, timeout == 0 ? 0 : Math.max(1, timeout / 2),
                VertxCredentials.sources(request, options));
        return requestUnguarded(client, request).map(hook);
    }

    /** The client's own request; its patched method passes (CallDepth). What it throws is the app's to see, once. */
    private static Future<HttpClientRequest> requestUnguarded(HttpClientImpl client, RequestOptions request) {
        CallDepth depth = CallDepth.forClient(HttpClientKind.VERTX);
        depth.getAndIncrement();
        try {
            return client.request(request);
        } catch (RuntimeException e) {
            throw ClientFailure.of(e);
        } finally {
            depth.decrementAndGet();
        }
    }
}
