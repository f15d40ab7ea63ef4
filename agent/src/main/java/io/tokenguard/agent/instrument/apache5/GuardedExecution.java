package io.tokenguard.agent.instrument.apache5;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TestFaults;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.io.IOException;
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
        // What the exec chain adds below this hook (see Apache5Credentials): cookies as headers,
        // the client and its context's credential machinery by identity.
        HttpHeaders headers = Apache5Credentials.withCookies(client, (HttpContext) context, uri, headers(httpRequest));
        if (headers == null) {
            return null;
        }
        TokenHttpRequest tokenRequest = Apache5Credentials.withSources(client, (HttpContext) context,
                new TokenHttpRequest(httpRequest.getMethod(), uri.toURL(), headers, body,
                        responseTimeoutMillis(client, httpRequest, (HttpContext) context), TokenHttpRequest.APACHE5));
        CloseableHttpClient httpClient = (CloseableHttpClient) client;
        // This call's own response, if it went upstream: the client's own object, its body kept in memory.
        CloseableHttpResponse[] own = new CloseableHttpResponse[1];
        TokenHttpResponse answer = Bridge.exchange(tokenRequest,
                () -> sendUpstream(httpClient, (HttpHost) target, httpRequest, (HttpContext) context, own));
        if (answer.source() == ResponseSource.UPSTREAM) {
            // Handing back the client's own response leaves nothing to build, so nothing can fail once sent.
            return own[0] != null ? own[0] : toApache(answer);
        }
        try {
            TestFaults.check(TestFaults.SYNTHETIC);
            return toApache(answer);
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
                                                  ClassicHttpRequest request, HttpContext context,
                                                  CloseableHttpResponse[] own) throws IOException {
        CloseableHttpResponse response;
        SENDING_UPSTREAM.set(Boolean.TRUE);
        try {
            response = client.execute(target, request, context);
        } finally {
            SENDING_UPSTREAM.remove();
        }
        TokenHttpResponse answer;
        HttpEntity entity = response.getEntity();
        byte[] bytes;
        try {
            HttpHeaders.Builder b = HttpHeaders.builder();
            for (Header h : response.getHeaders()) {
                b.add(h.getName(), h.getValue());
            }
            try {
                bytes = entity == null ? new byte[0] : EntityUtils.toByteArray(entity);
            } catch (RuntimeException e) {
                throw new IOException(e);
            }
            answer = new TokenHttpResponse(response.getCode(), response.getReasonPhrase(), b.build(), bytes,
                    ResponseSource.UPSTREAM);
        } finally {
            response.close();
        }
        try {
            // Set after close(): closing the response closes its entity.
            if (entity != null) {
                response.setEntity(new ByteArrayEntity(bytes, contentType(entity.getContentType()),
                        entity.getContentEncoding()));
            }
            own[0] = response;
        } catch (RuntimeException | LinkageError e) {
            Bridge.fault("apache5", e); // the answer is still served, converted from bytes
        }
        return answer;
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
