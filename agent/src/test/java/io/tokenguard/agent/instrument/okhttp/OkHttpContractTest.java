package io.tokenguard.agent.instrument.okhttp;

import io.tokenguard.agent.instrument.ClientContractTest;
import io.tokenguard.agent.instrument.ClientDriver;
import io.tokenguard.agent.instrument.Reply;
import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** OkHttp: each client built as its patched constructor builds it, the guard's interceptor last. */
class OkHttpContractTest extends ClientContractTest {
    @Override
    protected String clientName() {
        return "okhttp";
    }

    @Override
    protected ClientDriver driver() {
        OkHttpClient base = new OkHttpClient();
        return new ClientDriver() {
            @Override
            public Reply post(URL url, String form, int timeoutMillis, boolean guarded) {
                return call(new Request.Builder().url(url).post(RequestBody.create(
                        MediaType.parse("application/x-www-form-urlencoded"), form)).build(), timeoutMillis, guarded);
            }

            @Override
            public Reply get(URL url, boolean guarded) {
                return call(new Request.Builder().url(url).get().build(), 10_000, guarded);
            }

            private Reply call(Request request, int timeoutMillis, boolean guarded) {
                OkHttpClient.Builder b = base.newBuilder().readTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
                OkHttpClient http;
                if (guarded) {
                    // As OkHttpClient(Builder) ends under the agent: this client's guard, last.
                    OkHttpClient bare = b.build();
                    http = bare.newBuilder().addInterceptor((Interceptor) GuardingInterceptor
                            .install(bare, b, Collections.emptyList()).get(0)).build();
                } else {
                    http = b.build();
                }
                try (Response r = http.newCall(request).execute()) {
                    List<String> headers = new ArrayList<>();
                    for (int i = 0; i < r.headers().size(); i++) {
                        headers.add(r.headers().name(i));
                        headers.add(r.headers().value(i));
                    }
                    return Reply.of(r.code(), headers, r.body().string(), r);
                } catch (IOException e) {
                    return Reply.failed(e);
                }
            }

            @Override
            public Class<?> responseType() {
                return Response.class;
            }

            @Override
            public void close() {
                base.dispatcher().executorService().shutdown();
                base.connectionPool().evictAll();
            }
        };
    }
}
