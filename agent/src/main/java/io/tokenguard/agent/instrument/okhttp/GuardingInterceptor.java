package io.tokenguard.agent.instrument.okhttp;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TestFaults;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.body.BodyPrefix;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
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
 * OkHttp adapter: the last application interceptor of every OkHttpClient, so the app's own
 * interceptors have run and OkHttp's retries and redirects happen below it (a guarded call counts
 * once). One per client: what the client adds below it (cookies, authenticators, network
 * interceptors, TLS key material) is part of the request's identity, see {@link OkHttpCredentials}.
 * Defined in a child of the app's OkHttp class loader; names only OkHttp 3.x API that 4.x and
 * 5.x keep, the bridge and the JDK. Thin: capture, ask the guard, hand back a real okhttp3.Response.
 */
public final class GuardingInterceptor implements Interceptor {
    /**
     * The last Content-Type parsed: a cached answer has the same one every time, and parsing it
     * (a regex) was a tenth of a cache hit. MediaType is immutable, so a racy reuse is harmless.
     */
    private static volatile ParsedType lastType;

    private final OkHttpCredentials credentials;

    private GuardingInterceptor(OkHttpCredentials credentials) {
        this.credentials = credentials;
    }

    /**
     * The client's application interceptors with this client's guard last. A builder from
     * {@code newBuilder()} carries the guard of the client it came from: that one is dropped, so the
     * guard stays below interceptors the app added since, and answers for this client only.
     */
    public static List<?> install(Object client, Object builder, List<?> current) {
        OkHttpCredentials parent = null;
        List<Object> guarded = new ArrayList<>(current.size() + 1);
        for (Object interceptor : current) {
            if (interceptor instanceof GuardingInterceptor) {
                parent = ((GuardingInterceptor) interceptor).credentials;
            } else {
                guarded.add(interceptor);
            }
        }
        guarded.add(new GuardingInterceptor(OkHttpCredentials.of((OkHttpClient) client, builder, parent)));
        return Collections.unmodifiableList(guarded);
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        GuardDelegate guard = Bridge.delegate();
        HttpUrl url = request.url();
        if (guard == null || !guard.isTokenEndpoint(url.scheme(), url.host(), url.port(), url.encodedPath())) {
            return chain.proceed(request);
        }
        byte[] body;
        try {
            body = bodyBytes(request.body(), guard.captureMaxBytes());
        } catch (LinkageError | RuntimeException e) {
            Bridge.fault("okhttp", e);
            return chain.proceed(request);
        }
        if (body == null) {
            return chain.proceed(request);
        }
        Response[] own = new Response[1];
        TokenHttpResponse[] ownAnswer = new TokenHttpResponse[1];
        HttpHeaders headers;
        try {
            headers = credentials.withCookies(chain, request, headers(request));
        } catch (RuntimeException e) {
            // The app's cookie jar failed: OkHttp's BridgeInterceptor asks it again and fails the call.
            return chain.proceed(request);
        } catch (Throwable t) {
            Bridge.fault("okhttp", t);
            return chain.proceed(request);
        }
        TokenHttpRequest tokenRequest;
        try {
            // Interruptible: OkHttp gives up an interrupted call with InterruptedIOException ("interrupted").
            tokenRequest = credentials.withSources(chain, request, new TokenHttpRequest(HttpClientKind.OKHTTP,
                    request.method(), url.url(), headers, body, chain.readTimeoutMillis()));
        } catch (Throwable t) {
            Bridge.fault("okhttp", t);
            return chain.proceed(request);
        }
        // This call's own response when its body was read only in part (or broke): the app's, as is.
        Response[] streamed = new Response[1];
        IOException[] bodyFailure = new IOException[1];
        int limit = guard.captureMaxBytes();
        long wait = BodyPrefix.waitMillis(guard.bodyWaitMillis(), chain.readTimeoutMillis());
        TokenHttpResponse answer;
        try {
            answer = Bridge.exchange(tokenRequest, () -> {
                Response r = chain.proceed(replay(request, body));
                own[0] = r;
                ownAnswer[0] = toToken(r, limit, wait, streamed, bodyFailure);
                return ownAnswer[0];
            });
        } catch (IOException e) {
            if (e == bodyFailure[0] && streamed[0] != null) {
                // As without the agent: the status and headers, then the body breaks where it broke.
                return streamed[0];
            }
            throw e;
        }
        if (own[0] != null && answer.source() == ResponseSource.UPSTREAM) {
            return ownResponse(own[0], answer, streamed[0]);
        }
        if (streamed[0] != null) {
            // Another answer than this call's own prefix: the rest of its own body is not needed.
            streamed[0].close();
        }
        if (answer.truncated()) {
            // Only this call's own answer can be a prefix; without its rest it must not reach the app.
            throw new IOException("TokenGuard lost the rest of the response");
        }
        try {
            TestFaults.check(TestFaults.SYNTHETIC);
            return synthetic(request, answer);
        } catch (Throwable t) {
            Bridge.fault("synthetic", t);
            // Fail-open without sending twice: this call's own answer if it has one, else it goes
            // upstream itself, as without TokenGuard.
            return own[0] != null ? ownResponse(own[0], ownAnswer[0], null) : chain.proceed(replay(request, body));
        }
    }

    /** This call's own response: streaming on if its body was read only in part, else re-readable from the bytes. */
    private static Response ownResponse(Response response, TokenHttpResponse answer, Response streamed) {
        return streamed != null ? streamed : own(response, answer);
    }

    /** The request with its body as repeatable bytes (it was read once already); built only to be sent, never on a cache hit. */
    private static Request replay(Request request, byte[] body) {
        return request.body() == null ? request
                : request.newBuilder().method(request.method(), new BytesRequestBody(request.body().contentType(), body))
                        .build();
    }

    /** This call's own answer: everything OkHttp knows about it, with the body (already read) re-readable. */
    private static Response own(Response response, TokenHttpResponse answer) {
        return response.newBuilder().body(new BytesResponseBody(mediaType(answer), answer.body())).build();
    }

    /** An OkHttp response for an answer this call did not fetch itself (cache, coalesced, local). */
    private static Response synthetic(Request request, TokenHttpResponse answer) {
        return new Response.Builder()
                .request(request)
                .protocol(Protocol.HTTP_1_1)
                .code(answer.status())
                .message(answer.reason() == null ? "" : answer.reason())
                .headers(okHeaders(answer.headers()))
                .body(new BytesResponseBody(mediaType(answer), answer.body()))
                .sentRequestAtMillis(System.currentTimeMillis())
                .receivedResponseAtMillis(System.currentTimeMillis())
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

    /**
     * The answer for the guard: the whole body if it ends within the capture limit and the body wait,
     * else its first part, and then {@code streamed} holds the response the app reads the rest from.
     */
    private static TokenHttpResponse toToken(Response r, int limit, long waitMillis, Response[] streamed,
                                             IOException[] bodyFailure) throws IOException {
        HttpHeaders.Builder b = HttpHeaders.builder();
        Headers h = r.headers();
        for (int i = 0; i < h.size(); i++) {
            b.add(h.name(i), h.value(i));
        }
        ResponseBody body = r.body();
        if (body == null) {
            return new TokenHttpResponse(r.code(), r.message(), b.build(), new byte[0], ResponseSource.UPSTREAM);
        }
        PrefixedResponseBody prefixed;
        try {
            // Built before a byte is read: if our own class cannot be made, the app gets the untouched response.
            prefixed = new PrefixedResponseBody(body);
        } catch (LinkageError | RuntimeException e) {
            Bridge.fault("okhttp", e);
            streamed[0] = r;
            return new TokenHttpResponse(r.code(), r.message(), b.build(), new byte[0], ResponseSource.UPSTREAM, true);
        }
        BodyPrefix prefix;
        try {
            prefix = BodyPrefix.read(body.source().inputStream(), limit, waitMillis);
        } catch (RuntimeException | Error e) {
            body.close();
            throw e;
        }
        byte[] bytes = prefix.bytes();
        if (prefix.truncated()) {
            streamed[0] = r.newBuilder().body(prefixed.over(bytes, null)).build();
            return new TokenHttpResponse(r.code(), r.message(), b.build(), bytes, ResponseSource.UPSTREAM, true);
        }
        body.close();
        if (prefix.failure() != null) {
            // Reset or read timeout mid-body: the app meets it on its body read, after what had arrived.
            streamed[0] = r.newBuilder().body(prefixed.over(bytes, prefix.failure())).build();
            bodyFailure[0] = prefix.failure();
            throw prefix.failure();
        }
        return new TokenHttpResponse(r.code(), r.message(), b.build(), bytes, ResponseSource.UPSTREAM);
    }

    private static Headers okHeaders(HttpHeaders headers) {
        Headers.Builder b = new Headers.Builder();
        for (int i = 0; i < headers.size(); i++) {
            b.addUnsafeNonAscii(headers.name(i), headers.value(i));
        }
        return b.build();
    }

    private static MediaType mediaType(TokenHttpResponse answer) {
        String type = answer.headers().first("Content-Type");
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
