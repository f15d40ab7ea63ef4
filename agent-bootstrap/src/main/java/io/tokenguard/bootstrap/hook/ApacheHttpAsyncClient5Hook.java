package io.tokenguard.bootstrap.hook;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.HttpClientKind;
/**
 * Entry point of the code patched into Apache HttpClient 5 async's {@code doExecute(target, producer,
 * consumer, pushHandlerFactory, context, callback)} of {@code InternalAbstractHttpAsyncClient} and
 * {@code AbstractMinimalHttpAsyncClientBase}, the funnel of every {@code CloseableHttpAsyncClient.execute}.
 * Returns the {@code Future} to hand back, or null to let the client proceed. java.base types only,
 * never throws: the guarded answer (or failure) reaches the caller through its consumer and callback.
 */
public final class ApacheHttpAsyncClient5Hook {
    /** Implemented by the agent; arguments are the client's own objects. */
    public interface Adapter {
        Object execute(Object client, Object target, Object producer, Object consumer, Object pushHandlerFactory,
                       Object context, Object callback) throws Throwable;
    }

    private static volatile Adapter adapter;

    private ApacheHttpAsyncClient5Hook() {
    }

    public static void install(Adapter a) {
        adapter = a;
    }

    public static Object execute(Object client, Object target, Object producer, Object consumer,
                                 Object pushHandlerFactory, Object context, Object callback) {
        Adapter a = adapter;
        if (a == null) {
            return null;
        }
        try {
            return a.execute(client, target, producer, consumer, pushHandlerFactory, context, callback);
        } catch (Throwable t) {
            Bridge.fault(HttpClientKind.APACHE5.tag(), t);
            return null;
        }
    }
}
