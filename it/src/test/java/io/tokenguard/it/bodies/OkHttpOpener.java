package io.tokenguard.it.bodies;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/** OkHttp (3.x API, which 4.x and 5.x keep): execute(), the body's byteStream(), response.close(). */
final class OkHttpOpener implements Opened.Client {
    static final OkHttpOpener INSTANCE = new OkHttpOpener();

    @Override
    public Opened post(String url, int readTimeoutMillis) throws IOException {
        OkHttpClient client = new OkHttpClient.Builder().connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(readTimeoutMillis, TimeUnit.MILLISECONDS).build();
        Response response = client.newCall(new Request.Builder().url(url).post(new Form()).build()).execute();
        return new Opened() {
            @Override
            public int status() {
                return response.code();
            }

            @Override
            public InputStream body() {
                return response.body().byteStream();
            }

            @Override
            public void close() {
                response.close();
            }
        };
    }

    /** A subclass because RequestBody.create changed its signature between 3.x and 4.x. */
    private static final class Form extends RequestBody {
        private final byte[] bytes = BodyRunner.FORM.getBytes(StandardCharsets.UTF_8);

        @Override
        public MediaType contentType() {
            return MediaType.parse("application/x-www-form-urlencoded");
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
