package io.tokenguard.sample;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * The same requests through OkHttp (3.x API, which 4.x and 5.x keep), with execute() or enqueue().
 * Only loaded with --client okhttp*, so the sample app needs OkHttp on its class path only then.
 */
final class OkHttpCall {
    private static final OkHttpClient CLIENT = new OkHttpClient.Builder()
            .connectTimeout(15, TimeUnit.SECONDS)
            .readTimeout(15, TimeUnit.SECONDS)
            // The app's own interceptors: one above everything, one on the wire (see InterceptorCalls).
            .addInterceptor(chain -> chain.proceed(mark(chain.request(), InterceptorCalls.APPLICATION,
                    InterceptorCalls.APPLICATION_HEADER, "application")))
            .addNetworkInterceptor(chain -> chain.proceed(mark(chain.request(), InterceptorCalls.NETWORK,
                    InterceptorCalls.NETWORK_HEADER, "network")))
            .build();

    private OkHttpCall() {
    }

    static HttpCall.Response send(boolean async, String method, String url, Map<String, String> headers, String body)
            throws IOException {
        Request.Builder b = new Request.Builder().url(url);
        headers.forEach(b::header);
        b.method(method, body == null ? null : new TextBody(headers.get("Content-Type"), body));
        Call call = CLIENT.newCall(b.build());
        if (!async) {
            try (Response r = call.execute()) {
                return response(r);
            }
        }
        CompletableFuture<HttpCall.Response> answer = new CompletableFuture<>();
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call c, IOException e) {
                answer.completeExceptionally(e);
            }

            @Override
            public void onResponse(Call c, Response r) {
                try (Response response = r) {
                    answer.complete(response(response));
                } catch (IOException e) {
                    answer.completeExceptionally(e);
                }
            }
        });
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException ? (IOException) e.getCause() : new IOException(e.getCause());
        }
    }

    private static HttpCall.Response response(Response r) throws IOException {
        java.util.List<String[]> fields = new java.util.ArrayList<>();
        for (int i = 0; i < r.headers().size(); i++) {
            fields.add(new String[] {r.headers().name(i), r.headers().value(i)});
        }
        return new HttpCall.Response(r.code(), r.message(), fields, r.body() == null ? "" : r.body().string());
    }

    private static Request mark(Request request, java.util.concurrent.atomic.AtomicInteger calls, String header,
                                String value) {
        if (InterceptorCalls.isTokenPath(request.url().encodedPath())) {
            calls.incrementAndGet();
        }
        return request.newBuilder().header(header, value).build();
    }

    /** A text body; a subclass because RequestBody.create changed its signature between 3.x and 4.x. */
    private static final class TextBody extends RequestBody {
        private final MediaType type;
        private final byte[] bytes;

        TextBody(String contentType, String text) {
            this.type = contentType == null ? null : MediaType.parse(contentType);
            this.bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
}
