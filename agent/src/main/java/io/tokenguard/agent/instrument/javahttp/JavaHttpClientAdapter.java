package io.tokenguard.agent.instrument.javahttp;

import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.adapter.ClientExchange;
import io.tokenguard.bootstrap.hook.JavaHttpClientHook;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * java.net.http.HttpClient adapter, in the agent jar because the boot loader cannot see java.net.http.
 * Called (through {@link JavaHttpClientHook}) at the top of the JDK's private
 * {@code HttpClientImpl.sendAsync(request, handler, pushPromiseHandler, executor)}, the funnel of both
 * {@code send} and {@code sendAsync}: returns the answer as a future for token requests, or null to
 * let the JDK proceed untouched. The flow is the bootstrap's; {@link JavaHttpClientExchange} supplies
 * java.net.http's part.
 */
public final class JavaHttpClientAdapter implements JavaHttpClientHook.Adapter {
    private static final ClientExchange.Target<URI, Object> TOKEN_URL = (guard, uri, unused) ->
            guard.isTokenEndpoint(uri.getScheme(), uri.getHost(), uri.getPort(), uri.getPath());

    @Override
    public CompletableFuture<?> sendAsync(Object client, Object request, Object handler, Object pushPromiseHandler,
                                          Object executor) {
        if (!(request instanceof HttpRequest) || !(handler instanceof HttpResponse.BodyHandler)
                || !(client instanceof HttpClient)) {
            return null;
        }
        HttpRequest httpRequest = (HttpRequest) request;
        GuardDelegate guard = ClientExchange.admit(HttpClientKind.JDKHTTP, httpRequest.uri(), null, TOKEN_URL);
        if (guard == null) {
            return null;
        }
        return new JavaHttpClientExchange<>(guard, (HttpClient) client, httpRequest,
                (HttpResponse.BodyHandler<?>) handler).run();
    }
}
