package io.tokenguard.sample;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How often the app's own client interceptors saw a token request, so tests can check that they keep
 * working beside the agent. "application": OkHttp's application interceptor (before any agent decision,
 * once per app request). "network": OkHttp's network interceptor or an Apache request interceptor (once
 * per request that really goes on the wire, retries and redirects included). Each also adds a marker
 * header the emulated IdP counts.
 */
final class InterceptorCalls {
    static final String APPLICATION_HEADER = "X-Sample-Interceptor";
    static final String NETWORK_HEADER = "X-Sample-Network";
    static final AtomicInteger APPLICATION = new AtomicInteger();
    static final AtomicInteger NETWORK = new AtomicInteger();

    private InterceptorCalls() {
    }

    static boolean isTokenPath(String path) {
        return path.endsWith("/token");
    }
}
