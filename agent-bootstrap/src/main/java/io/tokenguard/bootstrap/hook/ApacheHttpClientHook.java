package io.tokenguard.bootstrap.hook;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.adapter.ClientFailure;
/**
 * Entry point of the code patched into Apache HttpClient 4.5's {@code InternalHttpClient} and
 * {@code MinimalHttpClient.doExecute(target, request, context)}, the funnel of every execute
 * overload (the response-handler ones included). java.base types only, never throws.
 */
public final class ApacheHttpClientHook {
    /** What the agent plugs in: the answer for a guarded token request, or null to proceed. */
    public interface Adapter {
        Object execute(Object client, Object target, Object request, Object context) throws java.io.IOException;
    }

    private static volatile Adapter adapter;

    private ApacheHttpClientHook() {
    }

    public static void install(Adapter a) {
        adapter = a;
    }

    /** The response to hand back, or null to let the client proceed; IOExceptions are the provider's. */
    public static Object execute(Object client, Object target, Object request, Object context)
            throws java.io.IOException {
        Adapter a = adapter;
        if (a == null) {
            return null;
        }
        try {
            return a.execute(client, target, request, context);
        } catch (java.io.IOException e) {
            throw e;
        } catch (ClientFailure f) {
            // The client's own failure, not TokenGuard's: proceeding would send the request again.
            throw f.rethrow();
        } catch (Throwable t) {
            Bridge.fault(HttpClientKind.APACHE4.tag(), t);
            return null;
        }
    }
}
