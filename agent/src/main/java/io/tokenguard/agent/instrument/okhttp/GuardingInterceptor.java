package io.tokenguard.agent.instrument.okhttp;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TestFaults;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
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
            tokenRequest = credentials.withSources(chain, request, new TokenHttpRequest(request.method(), url.url(),
                    headers, body, chain.readTimeoutMillis(), TokenHttpRequest.OKHTTP, true));
        } catch (Throwable t) {
            Bridge.fault("okhttp", t);
            return chain.proceed(request);
        }
        TokenHttpResponse answer = Bridge.exchange(tokenRequest, () -> {
            Response r = chain.proceed(replay(request, body));
            own[0] = r;
            ownAnswer[0] = toToken(r);
            return ownAnswer[0];
        });
        if (own[0] != null && answer.source() == ResponseSource.UPSTREAM) {
            return own(own[0], answer);
        }
        try {
            TestFaults.check(TestFaults.SYNTHETIC);
            return synthetic(request, answer);
        } catch (Throwable t) {
            Bridge.fault("synthetic", t);
            // Fail-open without sending twice: this call's own answer if it has one, else it goes
            // upstream itself, as without TokenGuard.
            return own[0] != null ? own(own[0], ownAnswer[0]) : chain.proceed(replay(request, body));
        }
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

    private static TokenHttpResponse toToken(Response r) throws IOException {
        HttpHeaders.Builder b = HttpHeaders.builder();
        Headers h = r.headers();
        for (int i = 0; i < h.size(); i++) {
            b.add(h.name(i), h.value(i));
        }
        ResponseBody body = r.body();
        byte[] bytes = body == null ? new byte[0] : body.bytes();
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
