package io.tokenguard.bootstrap;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** What the agent plugs into the {@link Bridge}. Implemented in the agent jar, called from adapters. */
public interface GuardDelegate {

    /**
     * Whether requests to this URL are guarded. Called on every matching client call: it must not
     * allocate and must be cheap for the common "no" answer.
     */
    boolean isTokenEndpoint(String scheme, String host, int port, String path);

    /**
     * The same question for an absolute URL kept as one String (Reactor Netty's {@code uri(String)}),
     * false for anything else (a relative or unparsable one). This default splits the URL, which
     * allocates; the agent's delegate first rules the common "no" out from the String itself.
     */
    default boolean isTokenEndpoint(String absoluteUrl) {
        return UrlString.isTokenEndpoint(this, absoluteUrl);
    }

    /**
     * The same question for a request target as a request line carries it, the path maybe followed by a
     * query ({@code /oauth/token?x=1}: Vert.x's {@code RequestOptions} URI). This default cuts the path off,
     * which allocates when there is a query; the agent's delegate first rules the common "no" out from the
     * path region in place.
     */
    default boolean isTokenEndpointTarget(String scheme, String host, int port, String requestTarget) {
        int end = UrlString.pathEnd(requestTarget, 0);
        return isTokenEndpoint(scheme, host, port, end == requestTarget.length() ? requestTarget
                : requestTarget.substring(0, end));
    }

    /** Largest request body an adapter buffers; larger requests pass through unguarded. */
    int captureMaxBytes();

    /**
     * How long an adapter may keep reading an upstream answer's body (at most {@link #captureMaxBytes}
     * of it) after the status and headers arrived, before it hands the app the status with the body
     * still streaming (a {@link TokenHttpResponse#truncated() truncated} answer). Never longer than
     * the client's own read timeout, when it has one.
     */
    default long bodyWaitMillis() {
        return 1000;
    }

    /**
     * Decides and answers one token request. Throws only what {@code upstream} threw (or an
     * {@link java.io.InterruptedIOException} / timeout for a waiting caller); any internal fault
     * must be handled inside by calling {@code upstream}.
     */
    TokenHttpResponse exchange(TokenHttpRequest request, Upstream upstream) throws IOException;

    /**
     * The asynchronous form of {@link #exchange}: never blocks the calling thread, neither while an
     * identical request is in flight nor while a limit delays it. The future fails only with what
     * {@code upstream} failed with (or a timeout / cancellation of a waiting caller).
     */
    CompletableFuture<TokenHttpResponse> exchangeAsync(TokenHttpRequest request, AsyncUpstream upstream);

    /** Count and log (once per stage) a fault caught outside the guard, in an adapter. */
    void fault(String stage, Throwable error);
}
