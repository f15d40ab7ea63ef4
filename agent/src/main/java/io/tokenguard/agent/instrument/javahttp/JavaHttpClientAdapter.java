package io.tokenguard.agent.instrument.javahttp;

import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.adapter.ClientExchange;
import io.tokenguard.bootstrap.hook.ClientHooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * java.net.http.HttpClient adapter, in the agent jar because the boot loader cannot see java.net.http.
 * Called (through {@link ClientHooks}) at the top of the JDK's private
 * {@code HttpClientImpl.sendAsync(request, handler, pushPromiseHandler, executor)}, the funnel of both
 * {@code send} and {@code sendAsync}: returns the answer as a future for token requests, or null to
 * let the JDK proceed untouched. The flow is the bootstrap's; {@link JavaHttpClientExchange} supplies
 * java.net.http's part.
 */
public final class JavaHttpClientAdapter implements ClientHooks.Hook {
    /** A class, not a lambda: this adapter is made in premain, where no lambda need be spun. */
    private static final class TokenUrl implements ClientExchange.Target<URI, Object> {
        @Override
        public boolean isTokenEndpoint(GuardDelegate guard, URI uri, Object unused) {
            return guard.isTokenEndpoint(uri.getScheme(), uri.getHost(), uri.getPort(), uri.getPath());
        }
    }

    private static final TokenUrl TOKEN_URL = new TokenUrl();

    @Override
    public Object enter(Object client, Object request, Object handler, Object pushPromiseHandler, Object executor,
                        Object unused4, Object unused5) {
        return sendAsync(client, request, handler, pushPromiseHandler, executor);
    }

    /** The answer for a guarded token request as the caller's future, or null to let the JDK proceed. */
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
