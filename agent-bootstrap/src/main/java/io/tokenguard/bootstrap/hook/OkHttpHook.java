package io.tokenguard.bootstrap.hook;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.HttpClientKind;
import java.util.List;

/**
 * Entry point of the code patched into OkHttp's {@code OkHttpClient(Builder)} constructor, which
 * ends in {@code this.interceptors = OkHttpHook.interceptors(this, builder, this.interceptors)}.
 * java.base types only: OkHttp lives in the app's loader, which the boot loader cannot see. Never throws.
 */
public final class OkHttpHook {
    /**
     * What the agent plugs in: the client's application interceptors, with TokenGuard's (bound to
     * this client) last. The builder tells what the app configured itself (its TLS socket factory).
     */
    public interface Adapter {
        List<?> interceptors(Object client, Object builder, List<?> interceptors);
    }

    private static volatile Adapter adapter;

    private OkHttpHook() {
    }

    public static void install(Adapter a) {
        adapter = a;
    }

    public static List<?> interceptors(Object client, Object builder, List<?> interceptors) {
        Adapter a = adapter;
        if (a == null || client == null || interceptors == null) {
            return interceptors;
        }
        try {
            List<?> guarded = a.interceptors(client, builder, interceptors);
            return guarded == null ? interceptors : guarded;
        } catch (Throwable t) {
            Bridge.fault(HttpClientKind.OKHTTP.tag(), t);
            return interceptors;
        }
    }
}
