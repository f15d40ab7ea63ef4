package io.tokenguard.bootstrap.hook;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.HttpClientKind;
import java.util.concurrent.CompletableFuture;

/**
 * Entry point of the code patched into java.net.http's HttpClientImpl. Its signature names only
 * java.base types: the boot loader cannot see java.net.http (a platform-loader module), so the
 * adapter itself lives in the agent jar and is plugged in here. Never throws.
 */
public final class JavaHttpClientHook {
    /** What the agent plugs in; parameters are the JDK's HttpClient, HttpRequest, BodyHandler, PushPromiseHandler, Executor. */
    public interface Adapter {
        CompletableFuture<?> sendAsync(Object client, Object request, Object handler, Object pushPromiseHandler,
                                       Object executor);
    }

    private static volatile Adapter adapter;

    private JavaHttpClientHook() {
    }

    public static void install(Adapter a) {
        adapter = a;
    }

    /** The answer for a guarded token request, or null to let the JDK proceed untouched. */
    public static CompletableFuture<?> sendAsync(Object client, Object request, Object handler,
                                                 Object pushPromiseHandler, Object executor) {
        Adapter a = adapter;
        if (a == null) {
            return null;
        }
        try {
            return a.sendAsync(client, request, handler, pushPromiseHandler, executor);
        } catch (Throwable t) {
            Bridge.fault(HttpClientKind.JDKHTTP.tag(), t);
            return null;
        }
    }
}
