package io.tokenguard.agent.instrument.apache4;

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
import java.net.URI;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpVersion;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.Configurable;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.client.utils.URIUtils;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.HttpEntityWrapper;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.message.BasicHttpResponse;
import org.apache.http.protocol.HttpContext;

/**
 * Apache HttpClient 4.5's part of one guarded call: the request (a non-repeatable entity is buffered
 * and replaced, so the real send still has its body), the client's own execute as the upstream send,
 * its response read within the bounds, and a CloseableHttpResponse the caller (or its ResponseHandler)
 * consumes normally for an answer the call did not fetch itself.
 */
final class Apache4Exchange extends BlockingClientExchange<CloseableHttpResponse> {
    /** From the request's URI: HttpUriRequest keeps one, absolute unless the app gave a path and a target. */
    static final Target<HttpHost, HttpRequest> TOKEN_URL = (guard, target, request) -> {
        URI uri = uri(target, request);
        return uri != null && guard.isTokenEndpoint(uri.getScheme(), uri.getHost(), uri.getPort(), uri.getPath());
    };

    private final CloseableHttpClient httpClient;
    private final HttpHost target;
    private final HttpRequest request;
    private final HttpContext context;

    Apache4Exchange(GuardDelegate guard, CloseableHttpClient client, HttpHost target, HttpRequest request,
                    HttpContext context) {
        super(HttpClientKind.APACHE4, guard);
        this.httpClient = client;
        this.target = target;
        this.request = request;
        this.context = context;
    }

    @Override
    protected TokenHttpRequest request(int captureMaxBytes) throws IOException {
        URI uri = uri(target, request);
        if (uri == null) {
            return null;
        }
        byte[] body = new byte[0];
        if (request instanceof HttpEntityEnclosingRequest) {
            HttpEntityEnclosingRequest enclosing = (HttpEntityEnclosingRequest) request;
            HttpEntity entity = enclosing.getEntity();
            if (entity != null) {
                body = EntityCapture.read(enclosing, entity, captureMaxBytes);
                if (body == null) {
                    return null;
                }
            }
        }
        // What the exec chain adds below this hook (see Apache4Credentials): cookies as headers,
        // the client and its context's credential machinery by identity.
        HttpHeaders headers = Apache4Credentials.withCookies(httpClient, context, uri, headers(request));
        if (headers == null) {
            return null;
        }
        return Apache4Credentials.withSources(httpClient, context, new TokenHttpRequest(client,
                request.getRequestLine().getMethod(), uri.toURL(), headers, body,
                socketTimeoutMillis(httpClient, request, context)));
    }

    @Override
    protected OwnResponse<CloseableHttpResponse> send(BodyBounds bounds) throws IOException {
        return new Reader(httpClient.execute(target, request, context)).read(this.client, bounds);
    }

    @Override
    protected CloseableHttpResponse synthetic(TokenHttpResponse answer) {
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
        try {
            streaming.close();
        } catch (IOException | RuntimeException ignored) {
            // nothing more to release
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
            return response.getStatusLine().getStatusCode();
        }

        @Override
        protected String reason() {
            return response.getStatusLine().getReasonPhrase();
        }

        @Override
        protected HttpHeaders headers() {
            HttpHeaders.Builder b = HttpHeaders.builder();
            for (Header h : response.getAllHeaders()) {
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
            // Closing the response releases the connection, as without the agent.
            response.setEntity(streaming.over(PrefixedInputStream.followedBy(prefix.body(), rest)));
            return response;
        }

        @Override
        protected CloseableHttpResponse thenFailing(TokenHttpResponse arrived, IOException failure) {
            // The app's own close() releases the connection as it would have without the agent.
            response.setEntity(streaming.over(PrefixedInputStream.thenFailing(arrived.body(), failure)));
            return response;
        }

        @Override
        protected CloseableHttpResponse whole(TokenHttpResponse answer) {
            byte[] bytes = answer.body();
            ByteArrayEntity kept = new ByteArrayEntity(bytes);
            kept.setContentType(entity.getContentType());
            kept.setContentEncoding(entity.getContentEncoding());
            kept.setChunked(entity.isChunked());
            response.setEntity(kept);
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
