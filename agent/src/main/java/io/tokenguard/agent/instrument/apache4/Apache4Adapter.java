package io.tokenguard.agent.instrument.apache4;

import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.adapter.ClientExchange;
import io.tokenguard.bootstrap.hook.ClientHooks;
import java.io.IOException;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.protocol.HttpContext;

/**
 * Apache HttpClient 4.5 adapter, defined in a child of the app's HttpClient loader: what the patched
 * {@code doExecute(target, request, context)} of {@code InternalHttpClient} and {@code MinimalHttpClient}
 * asks first. The flow is the bootstrap's; {@link Apache4Exchange} supplies HttpClient 4.5's part.
 */
public final class Apache4Adapter implements ClientHooks.Hook {
    @Override
    public Object enter(Object client, Object target, Object request, Object context, Object unused3,
                        Object unused4, Object unused5) throws IOException {
        return execute(client, target, request, context);
    }

    /** The response for a guarded token request, or null to let the client's doExecute proceed. */
    public static Object execute(Object client, Object target, Object request, Object context) throws IOException {
        if (!(client instanceof CloseableHttpClient) || !(request instanceof HttpRequest)
                || target != null && !(target instanceof HttpHost)) {
            return null;
        }
        GuardDelegate guard = ClientExchange.admit(HttpClientKind.APACHE4, (HttpHost) target, (HttpRequest) request,
                Apache4Exchange.TOKEN_URL);
        if (guard == null) {
            return null;
        }
        return new Apache4Exchange(guard, (CloseableHttpClient) client, (HttpHost) target, (HttpRequest) request,
                context instanceof HttpContext ? (HttpContext) context : null).run();
    }
}
