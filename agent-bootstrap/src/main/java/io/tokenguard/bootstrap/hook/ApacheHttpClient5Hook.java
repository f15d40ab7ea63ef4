package io.tokenguard.bootstrap.hook;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.adapter.ClientFailure;
/**
 * Entry point of the code patched into Apache HttpClient 5 classic's {@code InternalHttpClient} and
 * {@code MinimalHttpClient.doExecute(target, request, context)}, the funnel of every execute overload
 * (the response-handler ones included). java.base types only, never throws but the provider's IOExceptions.
 */
public final class ApacheHttpClient5Hook {
    private static volatile ApacheHttpClientHook.Adapter adapter;

    private ApacheHttpClient5Hook() {
    }

    public static void install(ApacheHttpClientHook.Adapter a) {
        adapter = a;
    }

    public static Object execute(Object client, Object target, Object request, Object context)
            throws java.io.IOException {
        ApacheHttpClientHook.Adapter a = adapter;
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
            Bridge.fault(HttpClientKind.APACHE5.tag(), t);
            return null;
        }
    }
}
