package io.tokenguard.agent.instrument.okhttp;

import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.adapter.BlockingClientExchange;
import io.tokenguard.bootstrap.adapter.BodyBounds;
import io.tokenguard.bootstrap.adapter.OwnResponse;
import io.tokenguard.bootstrap.adapter.ResponseReader;
import java.io.IOException;
import java.io.InputStream;
import okhttp3.Headers;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;

/**
 * OkHttp's part of one guarded call: its request read from the chain (the body through a buffer), the
 * send down the chain, its response read within the bounds, and a real okhttp3.Response for an answer
 * the call did not fetch itself.
 */
final class OkHttpExchange extends BlockingClientExchange<Response> {
    /**
     * The last Content-Type parsed: a cached answer has the same one every time, and parsing it
     * (a regex) was a tenth of a cache hit. MediaType is immutable, so a racy reuse is harmless.
     */
    private static volatile ParsedType lastType;

    private final OkHttpCredentials credentials;
    private final Interceptor.Chain chain;
    private final Request request;
    private byte[] body;

    OkHttpExchange(GuardDelegate guard, OkHttpCredentials credentials, Interceptor.Chain chain, Request request) {
        super(HttpClientKind.OKHTTP, guard);
        this.credentials = credentials;
        this.chain = chain;
        this.request = request;
    }

    @Override
    protected TokenHttpRequest request(int captureMaxBytes) throws Throwable {
        body = bodyBytes(request.body(), captureMaxBytes);
        if (body == null) {
            return null;
        }
        HttpHeaders headers;
        try {
            headers = credentials.withCookies(chain, request, headers(request));
        } catch (RuntimeException e) {
            // The app's cookie jar failed: OkHttp's BridgeInterceptor asks it again and fails the call.
            return null;
        }
        return credentials.withSources(chain, request, new TokenHttpRequest(client, request.method(),
                request.url().url(), headers, body, chain.readTimeoutMillis()));
    }

    @Override
    protected OwnResponse<Response> send(BodyBounds bounds) throws IOException {
        return new Reader(chain.proceed(replay())).read(client, bounds);
    }

    /** An OkHttp response for an answer this call did not fetch itself (cache, coalesced, local). */
    @Override
    protected Response synthetic(TokenHttpResponse answer) {
        return new Response.Builder()
                .request(request)
                .protocol(Protocol.HTTP_1_1)
                .code(answer.status())
                .message(answer.reason() == null ? "" : answer.reason())
                .headers(okHeaders(answer.headers()))
                .body(new BytesResponseBody(mediaType(answer.headers()), answer.body()))
                .sentRequestAtMillis(System.currentTimeMillis())
                .receivedResponseAtMillis(System.currentTimeMillis())
                .build();
    }

    @Override
    protected Response proceed() throws IOException {
        return chain.proceed(request);
    }

    @Override
    protected Response sendUnguarded() throws IOException {
        return chain.proceed(replay());
    }

    @Override
    protected void release(Response streaming) {
        streaming.close();
    }

    /** The request with its body as repeatable bytes (it was read once already); built only to be sent, never on a cache hit. */
    private Request replay() {
        return request.body() == null || body == null ? request
                : request.newBuilder().method(request.method(), new BytesRequestBody(request.body().contentType(), body))
                        .build();
    }

    /** The body, or null when it must pass untouched: one-shot, duplex, or larger than the limit. */
    private static byte[] bodyBytes(RequestBody body, int limit) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        if (body.isOneShot() || body.isDuplex() || body.contentLength() > limit) {
            return null;
        }
        Buffer buffer = new Buffer();
        body.writeTo(buffer);
        return buffer.size() > limit ? null : buffer.readByteArray();
    }

    private static HttpHeaders headers(Request request) {
        HttpHeaders.Builder b = HttpHeaders.builder();
        Headers h = request.headers();
        for (int i = 0; i < h.size(); i++) {
            b.add(h.name(i), h.value(i));
        }
        // OkHttp adds Content-Type from the body only later, in its bridge interceptor.
        if (request.body() != null && request.body().contentType() != null && h.get("Content-Type") == null) {
            b.add("Content-Type", request.body().contentType().toString());
        }
        return b.build();
    }

    /** This call's own response: its body read within the bounds, then handed on as the app reads it. */
    private static final class Reader extends ResponseReader<Response> {
        private final Response response;
        private final ResponseBody body;
        private PrefixedResponseBody prefixed;

        Reader(Response response) {
            this.response = response;
            this.body = response.body();
        }

        @Override
        protected int status() {
            return response.code();
        }

        @Override
        protected String reason() {
            return response.message();
        }

        @Override
        protected HttpHeaders headers() {
            HttpHeaders.Builder b = HttpHeaders.builder();
            Headers h = response.headers();
            for (int i = 0; i < h.size(); i++) {
                b.add(h.name(i), h.value(i));
            }
            return b.build();
        }

        @Override
        protected boolean hasBody() {
            return body != null;
        }

        @Override
        protected void prepare() {
            prefixed = new PrefixedResponseBody(body);
        }

        @Override
        protected InputStream body() {
            return body.source().inputStream();
        }

        @Override
        protected Response followedBy(TokenHttpResponse prefix, InputStream rest) {
            // The rest is read from OkHttp's own source (rest is a view of it), its timeout included.
            return response.newBuilder().body(prefixed.over(prefix.body(), null)).build();
        }

        @Override
        protected Response thenFailing(TokenHttpResponse arrived, IOException failure) {
            body.close();
            return response.newBuilder().body(prefixed.over(arrived.body(), failure)).build();
        }

        @Override
        protected Response whole(TokenHttpResponse answer) {
            // Everything OkHttp knows about the response, with the body (already read) re-readable.
            return response.newBuilder().body(new BytesResponseBody(mediaType(answer.headers()), answer.body())).build();
        }

        @Override
        protected Response untouched() {
            return response;
        }

        @Override
        protected void close() {
            if (body != null) {
                body.close();
            }
        }
    }

    private static Headers okHeaders(HttpHeaders headers) {
        Headers.Builder b = new Headers.Builder();
        for (int i = 0; i < headers.size(); i++) {
            b.addUnsafeNonAscii(headers.name(i), headers.value(i));
        }
        return b.build();
    }

    private static MediaType mediaType(HttpHeaders headers) {
        String type = headers.first("Content-Type");
        if (type == null) {
            return null;
        }
        ParsedType last = lastType;
        if (last != null && last.text.equals(type)) {
            return last.parsed;
        }
        MediaType parsed = MediaType.parse(type);
        lastType = new ParsedType(type, parsed);
        return parsed;
    }

    private static final class ParsedType {
        final String text;
        final MediaType parsed;

        ParsedType(String text, MediaType parsed) {
            this.text = text;
            this.parsed = parsed;
        }
    }

    /** A repeatable body over bytes; a subclass rather than RequestBody.create, whose signature moved in 4.x. */
    private static final class BytesRequestBody extends RequestBody {
        private final MediaType type;
        private final byte[] bytes;

        BytesRequestBody(MediaType type, byte[] bytes) {
            this.type = type;
            this.bytes = bytes;
        }

        @Override
        public MediaType contentType() {
            return type;
        }

        @Override
        public long contentLength() {
            return bytes.length;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            sink.write(bytes);
        }
    }

    /**
     * The client's own body (type and length as the provider sent them) read as the part the adapter
     * read, then the live rest of the client's own source (its timeout included), or the failure that
     * ended it. Closing it closes the client's body, which releases the connection.
     */
    private static final class PrefixedResponseBody extends ResponseBody {
        private final ResponseBody original;
        private final Buffer prefix = new Buffer();
        private IOException failure;
        private BufferedSource source;

        PrefixedResponseBody(ResponseBody original) {
            this.original = original;
        }

        PrefixedResponseBody over(byte[] read, IOException brokeWith) {
            prefix.write(read);
            this.failure = brokeWith;
            return this;
        }

        @Override
        public MediaType contentType() {
            return original.contentType();
        }

        @Override
        public long contentLength() {
            return original.contentLength();
        }

        @Override
        public synchronized BufferedSource source() {
            if (source == null) {
                source = Okio.buffer(new Source() {
                    @Override
                    public long read(Buffer sink, long byteCount) throws IOException {
                        if (prefix.size() > 0) {
                            return prefix.read(sink, Math.min(byteCount, prefix.size()));
                        }
                        if (failure != null) {
                            throw failure;
                        }
                        return original.source().read(sink, byteCount);
                    }

                    @Override
                    public Timeout timeout() {
                        return failure != null ? Timeout.NONE : original.source().timeout();
                    }

                    @Override
                    public void close() {
                        original.close();
                    }
                });
            }
            return source;
        }
    }

    private static final class BytesResponseBody extends ResponseBody {
        private final MediaType type;
        private final byte[] bytes;
        private final Buffer source = new Buffer();

        BytesResponseBody(MediaType type, byte[] bytes) {
            this.type = type;
            this.bytes = bytes;
            source.write(bytes);
        }

        @Override
        public MediaType contentType() {
            return type;
        }

        @Override
        public long contentLength() {
            return bytes.length;
        }

        @Override
        public BufferedSource source() {
            return source;
        }
    }
}
