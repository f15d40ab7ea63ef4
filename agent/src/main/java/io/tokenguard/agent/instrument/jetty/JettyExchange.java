package io.tokenguard.agent.instrument.jetty;

import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.adapter.AsyncClientExchange;
import io.tokenguard.bootstrap.adapter.BodyBounds;
import java.io.ByteArrayOutputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.ByteBufferRequestContent;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpRequest;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpField;

/**
 * Jetty 12's part of one guarded call, for the blocking {@code send()} and {@code send(listener)} alike
 * (the blocking one waits on its own listener's future, on the app's thread, as without the agent): no
 * Jetty thread ever waits for the guard. The request is read from the app's HttpRequest (a body only
 * when it is a {@code ByteBufferRequestContent} — String, Bytes, Form — within the capture limit:
 * anything else passes untouched); the upstream send is an equal copy of it on the same HttpClient with
 * a {@link ResponseCapture} as its only listener; every answer reaches the app through the listeners it
 * registered ({@link AppListeners}). A redirect or authentication follow-up Jetty sends itself (the
 * conversation already has an exchange) passes untouched. A waiting caller gives up after the total
 * timeout of its request (else its idle timeout, else its client's), with the TimeoutException Jetty
 * itself would fail it with.
 *
 * <p>What the guard can neither key on nor reproduce on its copy makes the call pass untouched:
 * request listeners (the request's own or its client's), a per-request transport ({@link OpaqueSetup}),
 * an AuthenticationStore that may authenticate the URI ({@link JettyCredentials#mayAuthenticate}).
 * The app's {@code abort()} fails its listeners at once, as Jetty does ({@link AbortWatch}); a token
 * request already sent for it goes on, as it may be serving identical requests that joined it.
 */
final class JettyExchange extends AsyncClientExchange<Object> {
    /** The funnel's answer when this exchange took the call over (the original send is skipped). */
    static final Object HANDLED = Boolean.TRUE;

    private final HttpRequest request;
    private final AppListeners app;
    private final Response.CompleteListener listener;
    private HttpClient httpClient;
    private byte[] body;
    private String contentType;
    private long timeoutMillis;
    private volatile ResponseCapture own;
    private AbortWatch watch;

    JettyExchange(GuardDelegate guard, HttpRequest request, Response.CompleteListener listener) {
        super(HttpClientKind.JETTY, guard);
        this.request = request;
        this.listener = listener;
        this.app = new AppListeners(request, listener);
    }

    @Override
    protected TokenHttpRequest request(int captureMaxBytes) throws Throwable {
        if (!request.getConversation().getExchanges().isEmpty() || request.getAbortCause() != null) {
            // Jetty's own follow-up (redirect, 401 answered) of an exchange under way, or an aborted request.
            return null;
        }
        httpClient = JettyCredentials.client(request);
        URI uri = request.getURI();
        if (OpaqueSetup.present(request, httpClient) || JettyCredentials.mayAuthenticate(httpClient, uri)) {
            return null;
        }
        Request.Content content = request.getBody();
        if (content == null) {
            body = new byte[0];
        } else {
            body = bytes(content, captureMaxBytes);
            if (body == null) {
                return null;
            }
            contentType = content.getContentType();
        }
        HttpHeaders headers = JettyCredentials.withCookies(httpClient, request, uri, headers(request, contentType));
        long total = request.getTimeout();
        long idle = request.getIdleTimeout();
        timeoutMillis = total > 0 ? total : idle > 0 ? idle : Math.max(0, httpClient.getIdleTimeout());
        return JettyCredentials.withSources(httpClient, uri, new TokenHttpRequest(client, request.getMethod(),
                uri.toURL(), headers, body, timeoutMillis));
    }

    /** Null: Jetty's own send goes on, as without TokenGuard. */
    @Override
    protected Object proceed() {
        return null;
    }

    /** From now on the app's abort reaches this call (it may have come already: then it fails the call now). */
    @Override
    protected Object started() {
        watch = AbortWatch.install(request, this::aborted);
        Throwable cause = request.getAbortCause();
        if (cause != null) {
            aborted(cause);
        }
        return HANDLED;
    }

    /**
     * The app aborted its request: its listeners fail now with the cause, unless an answer already has
     * them; this call's own response, handed to them as it streams, is aborted with the cause, as Jetty's.
     */
    private boolean aborted(Throwable cause) {
        if (app.abort(cause)) {
            return true;
        }
        ResponseCapture capture = own;
        return capture != null && capture.abortHanded(cause);
    }

    @Override
    protected CompletableFuture<TokenHttpResponse> send(BodyBounds bounds) {
        ResponseCapture capture = new ResponseCapture(bounds.limit(), bounds.waitMillis());
        own = capture;
        try {
            Request copy = copy();
            capture.sending(copy);
            copy.send(capture);
        } catch (RuntimeException e) {
            capture.sendFailed(e);
        }
        return capture.answer();
    }

    @Override
    protected boolean isOwnPrefix(TokenHttpResponse truncated) {
        ResponseCapture capture = own;
        return capture != null && capture.offered(truncated);
    }

    @Override
    protected boolean isOwnBodyFailure(Throwable failure) {
        ResponseCapture capture = own;
        return capture != null && capture.brokeWith(failure);
    }

    @Override
    protected void handOver() {
        if (!app.claim()) {
            own.discard();
            return;
        }
        own.handTo(app);
    }

    @Override
    protected void discardOwn() {
        ResponseCapture capture = own;
        if (capture != null) {
            capture.discard();
        }
    }

    @Override
    protected void deliver(TokenHttpResponse answer) {
        if (app.claim()) {
            app.deliver(answer);
        }
    }

    @Override
    protected void fail(Throwable failure) {
        if (!app.claim()) {
            return;
        }
        app.failed(null, failure instanceof SocketTimeoutException
                // The guard's wait for another call's answer ran out: Jetty's own total timeout failure.
                ? new TimeoutException("Total timeout " + timeoutMillis + " ms elapsed") : failure);
    }

    /** Jetty's own send of the app's request, its body untouched (it was only looked at), with its own listener. */
    @Override
    protected void sendUnguarded() {
        unguarded(() -> {
            // Jetty's own exchange hears of a later abort, and one that came already fails the call.
            if (watch != null) {
                watch.remove();
            }
            if (app.claim()) {
                request.send(listener);
            }
            return null;
        });
    }

    /** An equal request on the same client: method, URI, version, headers, cookies, body, timeouts, redirects, tag, attributes. */
    private Request copy() {
        Request copy = httpClient.newRequest(request.getURI())
                .method(request.getMethod())
                .version(request.getVersion())
                .followRedirects(request.isFollowRedirects())
                .tag(request.getTag());
        copy.headers(h -> {
            h.clear();
            for (HttpField f : request.getHeaders()) {
                h.add(f);
            }
        });
        for (HttpCookie c : request.getCookies()) {
            copy.cookie(c);
        }
        for (Map.Entry<String, Object> a : request.getAttributes().entrySet()) {
            copy.attribute(a.getKey(), a.getValue());
        }
        if (request.getTimeout() > 0) {
            copy.timeout(request.getTimeout(), TimeUnit.MILLISECONDS);
        }
        if (request.getIdleTimeout() > 0) {
            copy.idleTimeout(request.getIdleTimeout(), TimeUnit.MILLISECONDS);
        }
        if (request.getBody() != null) {
            copy.body(new BytesRequestContent(contentType, body));
        }
        return copy;
    }

    /** The body without consuming it, or null when it must pass untouched: not in memory, or over the limit. */
    private static byte[] bytes(Request.Content content, int limit) {
        if (!(content instanceof ByteBufferRequestContent)) {
            return null;
        }
        long length = content.getLength();
        if (length < 0 || length > limit) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) length);
        for (ByteBuffer b : ((ByteBufferRequestContent) content).getByteBuffers()) {
            ByteBuffer view = b.duplicate();
            byte[] chunk = new byte[view.remaining()];
            view.get(chunk);
            out.write(chunk, 0, chunk.length);
        }
        return out.size() > limit ? null : out.toByteArray();
    }

    private static HttpHeaders headers(HttpRequest request, String contentType) {
        HttpHeaders.Builder b = HttpHeaders.builder();
        for (HttpField f : request.getHeaders()) {
            b.add(f.getName(), f.getValue());
        }
        // Jetty adds Content-Type from the body only when it normalizes the request on the connection.
        if (contentType != null && request.getHeaders().get("Content-Type") == null) {
            b.add("Content-Type", contentType);
        }
        return b.build();
    }
}
