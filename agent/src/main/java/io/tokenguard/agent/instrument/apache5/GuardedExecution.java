package io.tokenguard.agent.instrument.apache5;

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
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.net.URI;
import org.apache.hc.client5.http.config.Configurable;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;

/**
 * Apache HttpClient 5 classic adapter, defined in a child of the app's HttpClient loader. Same shape
 * as the 4.5 one; the answer goes through the final CloseableHttpResponse's package-private
 * {@code adapt}, which the client itself uses (reachable because the jar is not a named module).
 */
public final class GuardedExecution {
    private static final ThreadLocal<Boolean> SENDING_UPSTREAM = new ThreadLocal<>();
    private static final MethodHandle ADAPT = adaptHandle();

    private GuardedExecution() {
    }

    private static MethodHandle adaptHandle() {
        try {
            Method adapt = CloseableHttpResponse.class.getDeclaredMethod("adapt", ClassicHttpResponse.class);
            adapt.setAccessible(true);
            return MethodHandles.lookup().unreflect(adapt).asType(
                    MethodType.methodType(CloseableHttpResponse.class, ClassicHttpResponse.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("HttpClient 5's CloseableHttpResponse.adapt is not reachable", e);
        }
    }

    public static Object execute(Object client, Object target, Object request, Object context) throws IOException {
        GuardDelegate guard = Bridge.delegate();
        if (guard == null || SENDING_UPSTREAM.get() != null || !(client instanceof CloseableHttpClient)
                || !(request instanceof ClassicHttpRequest)) {
            return null;
        }
        ClassicHttpRequest httpRequest = (ClassicHttpRequest) request;
        Boolean tokenEndpoint = RequestTarget.isTokenEndpoint(guard, (HttpHost) target, httpRequest);
        if (Boolean.FALSE.equals(tokenEndpoint)) {
            return null;
        }
        URI uri = uri((HttpHost) target, httpRequest);
        if (uri == null || (tokenEndpoint == null
                && !guard.isTokenEndpoint(uri.getScheme(), uri.getHost(), uri.getPort(), uri.getPath()))) {
            return null;
        }
        byte[] body = new byte[0];
        HttpEntity entity = httpRequest.getEntity();
        if (entity != null) {
            if (entity.getContentLength() > guard.captureMaxBytes()
                    || (!entity.isRepeatable() && entity.getContentLength() < 0)) {
                return null;
            }
            body = EntityUtils.toByteArray(entity);
            if (!entity.isRepeatable()) {
                // The original stream is spent: the real send gets an equal, repeatable entity.
                httpRequest.setEntity(new ByteArrayEntity(body, contentType(entity.getContentType()),
                        entity.getContentEncoding()));
            }
            if (body.length > guard.captureMaxBytes()) {
                return null;
            }
        }
        long readTimeout = responseTimeoutMillis(client, httpRequest, (HttpContext) context);
        // What the exec chain adds below this hook (see Apache5Credentials): cookies as headers,
        // the client and its context's credential machinery by identity.
        HttpHeaders headers = Apache5Credentials.withCookies(client, (HttpContext) context, uri, headers(httpRequest));
        if (headers == null) {
            return null;
        }
        TokenHttpRequest tokenRequest = Apache5Credentials.withSources(client, (HttpContext) context,
                new TokenHttpRequest(HttpClientKind.APACHE5, httpRequest.getMethod(), uri.toURL(), headers, body,
                        readTimeout));
        CloseableHttpClient httpClient = (CloseableHttpClient) client;
        // This call's own response, if it went upstream: the client's own object, its body kept in memory
        // (or, past the capture limit or the body wait, its first part followed by the live rest).
        CloseableHttpResponse[] own = new CloseableHttpResponse[1];
        IOException[] bodyFailure = new IOException[1];
        int limit = guard.captureMaxBytes();
        long wait = BodyPrefix.waitMillis(guard.bodyWaitMillis(), readTimeout);
        TokenHttpResponse answer;
        try {
            answer = Bridge.exchange(tokenRequest, () -> sendUpstream(httpClient, (HttpHost) target, httpRequest,
                    (HttpContext) context, limit, wait, own, bodyFailure));
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
     * The response timeout this client would read the answer with, as its own doExecute picks the
     * config (the request's, else the context's, else the client's default); 0 when none is set,
     * and a request waiting for an identical one then waits up to coalesce.max-wait.
     */
    static long responseTimeoutMillis(Object client, ClassicHttpRequest request, HttpContext context) {
        RequestConfig config = request instanceof Configurable ? ((Configurable) request).getConfig() : null;
        if (config == null && context instanceof HttpClientContext) {
            RequestConfig fromContext = ((HttpClientContext) context).getRequestConfig();
            // Without one of its own the context answers the library's DEFAULT, which is no choice of the app's.
            config = fromContext == RequestConfig.DEFAULT ? null : fromContext;
        }
        if (config == null && client instanceof Configurable) {
            config = ((Configurable) client).getConfig();
        }
        Timeout timeout = config == null ? null : config.getResponseTimeout();
        return timeout == null || timeout.isDisabled() ? 0 : Math.max(0, timeout.toMilliseconds());
    }

    private static URI uri(HttpHost target, ClassicHttpRequest request) {
        try {
            URI uri = request.getUri();
            if (!uri.isAbsolute() && target != null) {
                uri = new URI(target.toURI() + uri.toString());
            }
            return uri;
        } catch (Exception e) {
            return null;
        }
    }

    private static ContentType contentType(String value) {
        return value == null ? null : ContentType.parse(value);
    }

    private static HttpHeaders headers(ClassicHttpRequest request) {
        HttpHeaders.Builder b = HttpHeaders.builder();
        for (Header h : request.getHeaders()) {
            b.add(h.getName(), h.getValue());
        }
        HttpEntity entity = request.getEntity();
        if (entity != null && entity.getContentType() != null && request.getFirstHeader("Content-Type") == null) {
            b.add("Content-Type", entity.getContentType());
        }
        return b.build();
    }

    @SuppressWarnings("deprecation")
    private static TokenHttpResponse sendUpstream(CloseableHttpClient client, HttpHost target,
                                                  ClassicHttpRequest request, HttpContext context, int limit,
                                                  long waitMillis, CloseableHttpResponse[] own,
                                                  IOException[] bodyFailure) throws IOException {
        CloseableHttpResponse response;
        SENDING_UPSTREAM.set(Boolean.TRUE);
        try {
            response = client.execute(target, request, context);
        } finally {
            SENDING_UPSTREAM.remove();
        }
        HttpEntity entity = response.getEntity();
        HttpHeaders headers;
        PrefixedEntity streaming;
        try {
            HttpHeaders.Builder b = HttpHeaders.builder();
            for (Header h : response.getHeaders()) {
                b.add(h.getName(), h.getValue());
            }
            headers = b.build();
            if (entity == null) {
                response.close();
                own[0] = response;
                return new TokenHttpResponse(response.getCode(), response.getReasonPhrase(), headers, new byte[0],
                        ResponseSource.UPSTREAM);
            }
            // Built before a byte is read: if our own class cannot be made, the app gets the untouched response.
            streaming = new PrefixedEntity(entity);
        } catch (RuntimeException | LinkageError e) {
            Bridge.fault("apache5", e);
            own[0] = response;
            return new TokenHttpResponse(response.getCode(), null, HttpHeaders.EMPTY, new byte[0],
                    ResponseSource.UPSTREAM, true);
        }
        InputStream in;
        BodyPrefix prefix;
        try {
            in = entity.getContent();
            prefix = in == null ? null : BodyPrefix.read(in, limit, waitMillis);
        } catch (IOException e) {
            response.close();
            throw e;
        } catch (RuntimeException e) {
            response.close();
            throw new IOException(e);
        }
        int status = response.getCode();
        String reason = response.getReasonPhrase();
        if (prefix == null) {
            response.close();
            own[0] = response;
            return new TokenHttpResponse(status, reason, headers, new byte[0], ResponseSource.UPSTREAM);
        }
        byte[] bytes = prefix.bytes();
        if (prefix.truncated()) {
            // The rest stays on the connection: the app reads it from the client's own stream, and
            // closing the response (or its entity) releases the connection, as without the agent.
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
            // Set after close(): closing the response closes its entity.
            response.setEntity(new ByteArrayEntity(bytes, contentType(entity.getContentType()),
                    entity.getContentEncoding()));
            own[0] = response;
        } catch (RuntimeException | LinkageError e) {
            Bridge.fault("apache5", e); // the answer is still served, converted from bytes
        }
        return new TokenHttpResponse(status, reason, headers, bytes, ResponseSource.UPSTREAM);
    }

    /** This call's own response, left unread because another answer is served: its connection goes. */
    private static void release(CloseableHttpResponse own, ClassicHttpRequest request) {
        if (own != null && own.getEntity() instanceof PrefixedEntity) {
            // Closing would read the rest of the body first (to keep the connection): cancel the exchange instead.
            if (request instanceof Cancellable) {
                ((Cancellable) request).cancel();
            }
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

    /**
     * The client's own entity (type, encoding, length, chunking, trailers as the provider sent them)
     * whose content is the part the adapter read followed by the live rest, or by the failure that
     * ended it. Closing it closes the entity it wraps, as the client's own close would.
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
            try (InputStream in = content) {
                byte[] buffer = new byte[8192];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                }
            }
        }
    }

    private static CloseableHttpResponse toApache(TokenHttpResponse answer) throws IOException {
        BasicClassicHttpResponse r = new BasicClassicHttpResponse(answer.status(), answer.reason());
        HttpHeaders h = answer.headers();
        for (int i = 0; i < h.size(); i++) {
            r.addHeader(h.name(i), h.value(i));
        }
        r.setEntity(new ByteArrayEntity(answer.body(), contentType(h.first("Content-Type"))));
        try {
            return (CloseableHttpResponse) ADAPT.invokeExact((ClassicHttpResponse) r);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
