package io.tokenguard.agent.instrument.reactornetty;

import reactor.netty.http.client.HttpClientConfig;
import reactor.netty.tcp.SslProvider;
import reactor.netty.transport.ProxyProvider;

/**
 * What Reactor Netty adds to a request below the hook that is not in the request on the wire: cookies
 * ({@code addCookie}), default headers and Authorization are (the shared handler reads the request as
 * written), so only the opaque machinery counts, by identity: the {@code SslContext} of a
 * {@code secure(...)} configuration (its client certificate; Reactor's default context is one object
 * shared by every client, so platform trust without a certificate shares answers) and a proxy provider
 * (its credentials go on the CONNECT, not on the request).
 */
final class ReactorNettyCredentials {
    private ReactorNettyCredentials() {
    }

    static Object[] sources(HttpClientConfig config) {
        SslProvider ssl = config.sslProvider();
        Object tls = ssl == null ? null : ssl.getSslContext();
        ProxyProvider proxy = config.proxyProvider();
        if (tls == null && proxy == null) {
            return new Object[0];
        }
        return new Object[] {tls, proxy};
    }
}
