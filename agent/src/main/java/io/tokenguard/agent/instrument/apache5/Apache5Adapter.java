package io.tokenguard.agent.instrument.apache5;

import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.adapter.ClientExchange;
import io.tokenguard.bootstrap.hook.ClientHooks;
import java.io.IOException;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Apache HttpClient 5 classic adapter, defined in a child of the app's HttpClient loader: what the
 * patched {@code doExecute(target, request, context)} of {@code InternalHttpClient} and
 * {@code MinimalHttpClient} asks first. The flow is the bootstrap's; {@link Apache5Exchange} supplies
 * HttpClient 5's part.
 */
public final class Apache5Adapter implements ClientHooks.Hook {
    @Override
    public Object enter(Object client, Object target, Object request, Object context, Object unused3,
                        Object unused4, Object unused5) throws IOException {
        return execute(client, target, request, context);
    }

    /** The response for a guarded token request, or null to let the client's doExecute proceed. */
    public static Object execute(Object client, Object target, Object request, Object context) throws IOException {
        if (!(client instanceof CloseableHttpClient) || !(request instanceof ClassicHttpRequest)
                || target != null && !(target instanceof HttpHost)) {
            return null;
        }
        GuardDelegate guard = ClientExchange.admit(HttpClientKind.APACHE5, (HttpHost) target,
                (ClassicHttpRequest) request, Apache5Exchange.TOKEN_URL);
        if (guard == null) {
            return null;
        }
        return new Apache5Exchange(guard, (CloseableHttpClient) client, (HttpHost) target,
                (ClassicHttpRequest) request, context instanceof HttpContext ? (HttpContext) context : null).run();
    }
}
