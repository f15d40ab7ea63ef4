package io.tokenguard.bench;

import java.io.IOException;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** OkHttp 4.x, execute(); the body read to the end so the connection returns to the pool. */
final class OkHttpBenchClient implements Client {
    private final OkHttpClient client = new OkHttpClient();

    @Override
    public int get(String url) throws IOException {
        return execute(new Request.Builder().url(url).build());
    }

    @Override
    public int postForm(String url, String authorization, String form) throws IOException {
        int eq = form.indexOf('=');
        return execute(new Request.Builder().url(url)
                .header("Authorization", authorization)
                .post(new FormBody.Builder().add(form.substring(0, eq), form.substring(eq + 1)).build())
                .build());
    }

    private int execute(Request request) throws IOException {
        try (Response r = client.newCall(request).execute()) {
            if (r.body() != null) {
                r.body().bytes();
            }
            return r.code();
        }
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
