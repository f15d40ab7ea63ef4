package io.tokenguard.agent.instrument.okhttp;

import io.tokenguard.bootstrap.hook.ClientHooks;
import java.util.List;

/**
 * OkHttp adapter, defined in a child of the app's OkHttp class loader: what the patched
 * {@code OkHttpClient(Builder)} constructor does with its application interceptors on exit. They get
 * this client's {@link GuardingInterceptor}, last; the builder tells what the app configured itself
 * (its TLS socket factory).
 */
public final class OkHttpAdapter implements ClientHooks.Hook {
    @Override
    public Object exit(Object client, Object interceptors, Object builder) {
        return GuardingInterceptor.install(client, builder, (List<?>) interceptors);
    }
}
