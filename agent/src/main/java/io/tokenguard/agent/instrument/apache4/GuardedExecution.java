package io.tokenguard.agent.instrument.apache4;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TestFaults;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.body.BodyPrefix;
import io.tokenguard.bootstrap.body.PrefixedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpVersion;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.Configurable;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.client.utils.URIUtils;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.HttpEntityWrapper;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.message.BasicHttpResponse;
import org.apache.http.protocol.HttpContext;
import org.apache.http.util.EntityUtils;

/**
 * Apache HttpClient 4.5 adapter, defined in a child of the app's HttpClient loader. Thin: capture the
 * request (a non-repeatable entity is buffered and replaced so the real send still has its body),
 * ask the guard, hand back a CloseableHttpResponse the caller (or its ResponseHandler) consumes normally.
 */
public final class GuardedExecution {
    /** Set while the adapter itself sends upstream, so that call proceeds untouched. */
    private static final ThreadLocal<Boolean> SENDING_UPSTREAM = new ThreadLocal<>();

    private GuardedExecution() {
    }

    public static Object execute(Object client, Object target, Object request, Object context) throws IOException {
        GuardDelegate guard = Bridge.delegate();
        if (guard == null || SENDING_UPSTREAM.get() != null || !(client instanceof CloseableHttpClient)
                || !(request instanceof HttpRequest)) {
            return null;
        }
        HttpRequest httpRequest = (HttpRequest) request;
        URI uri = uri((HttpHost) target, httpRequest);
        if (uri == null || !guard.isTokenEndpoint(uri.getScheme(), uri.getHost(), uri.getPort(), uri.getPath())) {
            return null;
        }
        byte[] body = new byte[0];
        if (httpRequest instanceof HttpEntityEnclosingRequest) {
            HttpEntityEnclosingRequest enclosing = (HttpEntityEnclosingRequest) httpRequest;
            HttpEntity entity = enclosing.getEntity();
            if (entity != null) {
                if (entity.getContentLength() > guard.captureMaxBytes()
                        || (!entity.isRepeatable() && entity.getContentLength() < 0)) {
                    return null;
                }
                body = EntityUtils.toByteArray(entity);
                if (!entity.isRepeatable()) {
                    // The original stream is spent: the real send gets an equal, repeatable entity.
                    ByteArrayEntity copy = new ByteArrayEntity(body);
                    copy.setContentType(entity.getContentType());
                    copy.setContentEncoding(entity.getContentEncoding());
                    enclosing.setEntity(copy);
                }
                if (body.length > guard.captureMaxBytes()) {
                    return null;
                }
            }
        }
        int readTimeout = socketTimeoutMillis(client, httpRequest, (HttpContext) context);
        // What the exec chain adds below this hook (see Apache4Credentials): cookies as headers,
        // the client and its context's credential machinery by identity.
        HttpHeaders headers = Apache4Credentials.withCookies(client, (HttpContext) context, uri, headers(httpRequest));
        if (headers == null) {
            return null;
        }
        TokenHttpRequest tokenRequest = Apache4Credentials.withSources(client, (HttpContext) context,
                new TokenHttpRequest(HttpClientKind.APACHE4, httpRequest.getRequestLine().getMethod(), toUrl(uri),
                        headers, body, readTimeout));
        CloseableHttpClient httpClient = (CloseableHttpClient) client;
        // This call's own response, if it went upstream: the client's own object, its body kept in memory
        // (or, past the capture limit or the body wait, its first part followed by the live rest).
        CloseableHttpResponse[] own = new CloseableHttpResponse[1];
        IOException[] bodyFailure = new IOException[1];
        BodyBounds bounds = new BodyBounds(guard.captureMaxBytes(), BodyPrefix.waitMillis(guard.bodyWaitMillis(), readTimeout));
        TokenHttpResponse answer;
        try {
            answer = Bridge.exchange(tokenRequest, () -> sendUpstream(httpClient, (HttpHost) target, httpRequest,
                    (HttpContext) context, bounds, own, bodyFailure));
        } catch (IOException e) {
            if (e == bodyFailure[0] && own[0] != null) {
                // As without the agent: the status and headers, then the body breaks where it broke.
                return own[0];
            }
            if (own[0] != null) {
                closeQuietly(own[0]);
            }
            throw e;
        }
        if (answer.truncated() && own[0] == null) {
            // Only this call's own answer can be a prefix; without its rest it must not reach the app.
            throw new IOException("TokenGuard lost the rest of the response");
        }
        if (answer.source() == ResponseSource.UPSTREAM) {
            // Handing back the client's own response leaves nothing to build, so nothing can fail once sent.
            return own[0] != null ? own[0] : toApache(answer);
        }
        try {
            TestFaults.check(TestFaults.SYNTHETIC);
            CloseableHttpResponse served = toApache(answer);
            release(own[0], httpRequest);
            return served;
        } catch (Throwable t) {
            Bridge.fault("synthetic", t);
            // Fail-open without sending twice: this call's own answer if it has one; else null, and
            // the client's own doExecute sends the request, as without TokenGuard.
            return own[0];
        }
    }

    /**
     * The socket timeout this client would read the answer with, as its own doExecute picks the
     * config (the request's, else the context's, else the client's default); 0 when none is set,
     * and a request waiting for an identical one then waits up to coalesce.max-wait.
     */
    static int socketTimeoutMillis(Object client, HttpRequest request, HttpContext context) {
        RequestConfig config = request instanceof Configurable ? ((Configurable) request).getConfig() : null;
        if (config == null && context != null) {
            Object fromContext = context.getAttribute(HttpClientContext.REQUEST_CONFIG);
            config = fromContext instanceof RequestConfig ? (RequestConfig) fromContext : null;
        }
        if (config == null && client instanceof Configurable) {
            config = ((Configurable) client).getConfig();
        }
        return config == null ? 0 : Math.max(0, config.getSocketTimeout());
    }

    private static URI uri(HttpHost target, HttpRequest request) {
        try {
            URI uri = request instanceof HttpUriRequest ? ((HttpUriRequest) request).getURI()
                    : new URI(request.getRequestLine().getUri());
            return target != null && !uri.isAbsolute() ? URIUtils.rewriteURI(uri, target) : uri;
        } catch (Exception e) {
            return null;
        }
    }

    private static URL toUrl(URI uri) throws IOException {
        return uri.toURL();
    }

    private static HttpHeaders headers(HttpRequest request) {
        HttpHeaders.Builder b = HttpHeaders.builder();
        for (Header h : request.getAllHeaders()) {
            b.add(h.getName(), h.getValue());
        }
        if (request instanceof HttpEntityEnclosingRequest && request.getFirstHeader("Content-Type") == null) {
            HttpEntity entity = ((HttpEntityEnclosingRequest) request).getEntity();
            if (entity != null && entity.getContentType() != null) {
                b.add("Content-Type", entity.getContentType().getValue());
            }
        }
        return b.build();
    }

    /** This call's own response, left unread because another answer is served: its connection goes. */
    private static void release(CloseableHttpResponse own, HttpRequest request) {
        if (own != null && own.getEntity() instanceof PrefixedEntity) {
            closeQuietly(own);
        }
    }

    private static void closeQuietly(CloseableHttpResponse response) {
        try {
            response.close();
        } catch (IOException | RuntimeException ignored) {
            // the failure that matters is already being thrown
        }
    }

    /** How much of an answer's body is read before the app gets the status: the capture limit and the body wait. */
    private static final class BodyBounds {
        final int limit;
        final long waitMillis;

        BodyBounds(int limit, long waitMillis) {
            this.limit = limit;
            this.waitMillis = waitMillis;
        }
    }

    private static TokenHttpResponse sendUpstream(CloseableHttpClient client, HttpHost target, HttpRequest request,
                                                  HttpContext context, BodyBounds bounds, CloseableHttpResponse[] own,
                                                  IOException[] bodyFailure) throws IOException {
        CloseableHttpResponse response;
        SENDING_UPSTREAM.set(Boolean.TRUE);
        try {
            response = client.execute(target, request, context);
        } finally {
            SENDING_UPSTREAM.remove();
        }
        HttpEntity entity = response.getEntity();
        int status;
        String reason;
        HttpHeaders headers;
        PrefixedEntity streaming;
        BodyPrefix prefix;
        InputStream in = null;
        try {
            HttpHeaders.Builder b = HttpHeaders.builder();
            for (Header h : response.getAllHeaders()) {
                b.add(h.getName(), h.getValue());
            }
            headers = b.build();
            status = response.getStatusLine().getStatusCode();
            reason = response.getStatusLine().getReasonPhrase();
            if (entity == null) {
                response.close();
                own[0] = response;
                return new TokenHttpResponse(status, reason, headers, new byte[0], ResponseSource.UPSTREAM);
            }
            // Built before a byte is read: if our own class cannot be made, the app gets the untouched response.
            streaming = new PrefixedEntity(entity);
        } catch (RuntimeException | LinkageError e) {
            Bridge.fault("apache4", e);
            own[0] = response;
            return new TokenHttpResponse(response.getStatusLine().getStatusCode(), null, HttpHeaders.EMPTY, new byte[0],
                    ResponseSource.UPSTREAM, true);
        }
        try {
            in = entity.getContent();
            prefix = in == null ? null : BodyPrefix.read(in, bounds.limit, bounds.waitMillis);
        } catch (IOException | RuntimeException e) {
            response.close();
            throw e;
        }
        if (prefix == null) {
            response.close();
            own[0] = response;
            return new TokenHttpResponse(status, reason, headers, new byte[0], ResponseSource.UPSTREAM);
        }
        byte[] bytes = prefix.bytes();
        if (prefix.truncated()) {
            // The rest stays on the connection: the app reads it from the client's own stream and
            // closing the response releases the connection, as without the agent.
            response.setEntity(streaming.over(PrefixedInputStream.followedBy(bytes, in)));
            own[0] = response;
            return new TokenHttpResponse(status, reason, headers, bytes, ResponseSource.UPSTREAM, true);
        }
        if (prefix.failure() != null) {
            // Reset or read timeout mid-body: the app meets it on its body read, after what had arrived,
            // and its own close() releases the connection as it would have without the agent.
            response.setEntity(streaming.over(PrefixedInputStream.thenFailing(bytes, prefix.failure())));
            own[0] = response;
            bodyFailure[0] = prefix.failure();
            throw prefix.failure();
        }
        response.close();
        try {
            ByteArrayEntity kept = new ByteArrayEntity(bytes);
            kept.setContentType(entity.getContentType());
            kept.setContentEncoding(entity.getContentEncoding());
            kept.setChunked(entity.isChunked());
            response.setEntity(kept);
            own[0] = response;
        } catch (RuntimeException | LinkageError e) {
            Bridge.fault("apache4", e); // the answer is still served, converted from bytes
        }
        return new TokenHttpResponse(status, reason, headers, bytes, ResponseSource.UPSTREAM);
    }

    private static CloseableHttpResponse toApache(TokenHttpResponse answer) {
        SyntheticResponse r = new SyntheticResponse(answer.status(), answer.reason());
        HttpHeaders h = answer.headers();
        for (int i = 0; i < h.size(); i++) {
            r.addHeader(h.name(i), h.value(i));
        }
        String type = h.first("Content-Type");
        ByteArrayEntity entity = new ByteArrayEntity(answer.body(), type == null ? null : ContentType.parse(type));
        r.setEntity(entity);
        return r;
    }

    /**
     * The client's own entity (type, encoding, length, chunking as the provider sent them) whose
     * content is the part the adapter read followed by the live rest, or by the failure that ended
     * it. Streaming and not repeatable, like the entity it wraps.
     */
    private static final class PrefixedEntity extends HttpEntityWrapper {
        private InputStream content;

        PrefixedEntity(HttpEntity entity) {
            super(entity);
        }

        PrefixedEntity over(InputStream stream) {
            this.content = stream;
            return this;
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
        public InputStream getContent() {
            return content;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            try (InputStream in = getContent()) {
                byte[] buffer = new byte[8192];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                }
            }
        }

        @Override
        @Deprecated
        public void consumeContent() throws IOException {
            content.close();
        }
    }

    /** A complete response in memory; closing it has nothing to release. */
    private static final class SyntheticResponse extends BasicHttpResponse implements CloseableHttpResponse {
        SyntheticResponse(int status, String reason) {
            super(HttpVersion.HTTP_1_1, status, reason == null ? "" : reason);
        }

        @Override
        public void close() {
            // Nothing held: the body is bytes.
        }
    }
}
