package io.tokenguard.agent.instrument.apache5;

import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.adapter.BlockingClientExchange;
import io.tokenguard.bootstrap.adapter.BodyBounds;
import io.tokenguard.bootstrap.adapter.OwnResponse;
import io.tokenguard.bootstrap.adapter.ResponseReader;
import io.tokenguard.bootstrap.body.PrefixedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import org.apache.hc.client5.http.config.Configurable;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;

/**
 * Apache HttpClient 5 classic's part of one guarded call. Same shape as the 4.5 one; the answer goes
 * through the final CloseableHttpResponse's package-private {@code adapt}, which the client itself uses
 * (reachable because the jar is not a named module).
 */
final class Apache5Exchange extends BlockingClientExchange<CloseableHttpResponse> {
    /** From the parts HttpClient 5 keeps (see RequestTarget); the full URI only for unusual ones. */
    static final Target<HttpHost, HttpRequest> TOKEN_URL = (guard, target, request) -> {
        Boolean tokenEndpoint = RequestTarget.isTokenEndpoint(guard, target, request);
        if (tokenEndpoint != null) {
            return tokenEndpoint;
        }
        URI uri = uri(target, request);
        return uri != null && guard.isTokenEndpoint(uri.getScheme(), uri.getHost(), uri.getPort(), uri.getPath());
    };

    private static final MethodHandle ADAPT = adaptHandle();

    private final CloseableHttpClient httpClient;
    private final HttpHost target;
    private final ClassicHttpRequest request;
    private final HttpContext context;

    Apache5Exchange(GuardDelegate guard, CloseableHttpClient client, HttpHost target, ClassicHttpRequest request,
                    HttpContext context) {
        super(HttpClientKind.APACHE5, guard);
        this.httpClient = client;
        this.target = target;
        this.request = request;
        this.context = context;
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

    @Override
    protected TokenHttpRequest request(int captureMaxBytes) throws IOException {
        URI uri = uri(target, request);
        if (uri == null) {
            return null;
        }
        byte[] body = new byte[0];
        HttpEntity entity = request.getEntity();
        if (entity != null) {
            body = EntityCapture.read(request, entity, captureMaxBytes);
            if (body == null) {
                return null;
            }
        }
        // What the exec chain adds below this hook (see Apache5Credentials): cookies as headers,
        // the client and its context's credential machinery by identity.
        HttpHeaders headers = Apache5Credentials.withCookies(httpClient, context, uri, headers(request));
        if (headers == null) {
            return null;
        }
        return Apache5Credentials.withSources(httpClient, context, new TokenHttpRequest(client, request.getMethod(),
                uri.toURL(), headers, body, responseTimeoutMillis(httpClient, request, context)));
    }

    @Override
    @SuppressWarnings("deprecation")
    protected OwnResponse<CloseableHttpResponse> send(BodyBounds bounds) throws IOException {
        return new Reader(httpClient.execute(target, request, context)).read(this.client, bounds);
    }

    @Override
    protected CloseableHttpResponse synthetic(TokenHttpResponse answer) throws IOException {
        return toApache(answer);
    }

    /** Null: the client's own doExecute goes on, as without TokenGuard. */
    @Override
    protected CloseableHttpResponse proceed() {
        return null;
    }

    /** This call's own response, left unread because another answer is served: its connection goes. */
    @Override
    protected void release(CloseableHttpResponse streaming) {
        // Closing would read the rest of the body first (to keep the connection): cancel the exchange instead.
        if (request instanceof Cancellable) {
            ((Cancellable) request).cancel();
        }
        try {
            streaming.close();
        } catch (IOException | RuntimeException ignored) {
            // nothing more to release
        }
    }

    /**
     * The response timeout this client would read the answer with, as its own doExecute picks the
     * config (the request's, else the context's, else the client's default: classic clients expose it,
     * the async ones keep it in a private field); 0 when none is set, and a request waiting for an
     * identical one then waits up to coalesce.max-wait.
     */
    static long responseTimeoutMillis(Object client, HttpRequest request, HttpContext context) {
        RequestConfig config = request instanceof Configurable ? ((Configurable) request).getConfig() : null;
        if (config == null && context instanceof HttpClientContext) {
            RequestConfig fromContext = ((HttpClientContext) context).getRequestConfig();
            // Without one of its own the context answers the library's DEFAULT, which is no choice of the app's.
            config = fromContext == RequestConfig.DEFAULT ? null : fromContext;
        }
        if (config == null) {
            config = client instanceof Configurable ? ((Configurable) client).getConfig() : DefaultConfig.of(client);
        }
        Timeout timeout = config == null ? null : config.getResponseTimeout();
        return timeout == null || timeout.isDisabled() ? 0 : Math.max(0, timeout.toMilliseconds());
    }

    /** An async client's default RequestConfig: InternalAbstractHttpAsyncClient's private {@code defaultConfig}. */
    private static final class DefaultConfig {
        private static final ClassValue<Field> FIELD = new ClassValue<>() {
            @Override
            protected Field computeValue(Class<?> type) {
                for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                    for (Field f : c.getDeclaredFields()) {
                        if (f.getType() == RequestConfig.class && !Modifier.isStatic(f.getModifiers())) {
                            try {
                                f.setAccessible(true);
                                return f;
                            } catch (RuntimeException e) {
                                return null;
                            }
                        }
                    }
                }
                return null;
            }
        };

        /** The client's default, or null: none, or out of reach (the wait is then up to coalesce.max-wait). */
        static RequestConfig of(Object client) {
            Field f = client == null ? null : FIELD.get(client.getClass());
            if (f == null) {
                return null;
            }
            try {
                return (RequestConfig) f.get(client);
            } catch (IllegalAccessException | RuntimeException e) {
                return null;
            }
        }
    }

    static URI uri(HttpHost target, HttpRequest request) {
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

    /** This call's own response: its entity read within the bounds, then handed on as the app reads it. */
    private static final class Reader extends ResponseReader<CloseableHttpResponse> {
        private final CloseableHttpResponse response;
        private final HttpEntity entity;
        private PrefixedEntity streaming;

        Reader(CloseableHttpResponse response) {
            this.response = response;
            this.entity = response.getEntity();
        }

        @Override
        protected int status() {
            return response.getCode();
        }

        @Override
        protected String reason() {
            return response.getReasonPhrase();
        }

        @Override
        protected HttpHeaders headers() {
            HttpHeaders.Builder b = HttpHeaders.builder();
            for (Header h : response.getHeaders()) {
                b.add(h.getName(), h.getValue());
            }
            return b.build();
        }

        @Override
        protected boolean hasBody() {
            return entity != null;
        }

        @Override
        protected void prepare() {
            streaming = new PrefixedEntity(entity);
        }

        @Override
        protected InputStream body() throws IOException {
            return entity.getContent();
        }

        @Override
        protected CloseableHttpResponse followedBy(TokenHttpResponse prefix, InputStream rest) {
            // Closing the response (or its entity) releases the connection, as without the agent.
            response.setEntity(streaming.over(PrefixedInputStream.followedBy(prefix.body(), rest)));
            return response;
        }

        @Override
        protected CloseableHttpResponse thenFailing(TokenHttpResponse arrived, IOException failure) {
            response.setEntity(streaming.over(PrefixedInputStream.thenFailing(arrived.body(), failure)));
            return response;
        }

        @Override
        protected CloseableHttpResponse whole(TokenHttpResponse answer) {
            byte[] bytes = answer.body();
            // Set after close(): closing the response closes its entity.
            response.setEntity(new ByteArrayEntity(bytes, contentType(entity.getContentType()),
                    entity.getContentEncoding()));
            return response;
        }

        @Override
        protected CloseableHttpResponse untouched() {
            return response;
        }

        @Override
        protected void close() throws IOException {
            response.close();
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
