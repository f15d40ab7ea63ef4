package io.tokenguard.agent.instrument.okhttp;

import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.adapter.ClientExchange;
import io.tokenguard.bootstrap.adapter.ClientFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * OkHttp adapter: the last application interceptor of every OkHttpClient, so the app's own
 * interceptors have run and OkHttp's retries and redirects happen below it (a guarded call counts
 * once). One per client: what the client adds below it (cookies, authenticators, network
 * interceptors, TLS key material) is part of the request's identity, see {@link OkHttpCredentials}.
 * Defined in a child of the app's OkHttp class loader; names only OkHttp 3.x API that 4.x and
 * 5.x keep, the bridge and the JDK. The flow is the bootstrap's; {@link OkHttpExchange} supplies OkHttp's part.
 */
public final class GuardingInterceptor implements Interceptor {
    private static final ClientExchange.Target<HttpUrl, Object> TOKEN_URL = (guard, url, unused) ->
            guard.isTokenEndpoint(url.scheme(), url.host(), url.port(), url.encodedPath());

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
        GuardDelegate guard = ClientExchange.admit(HttpClientKind.OKHTTP, request.url(), null, TOKEN_URL);
        if (guard == null) {
            return chain.proceed(request);
        }
        try {
            return new OkHttpExchange(guard, credentials, chain, request).run();
        } catch (ClientFailure f) {
            throw f.rethrow();
        }
    }
}
