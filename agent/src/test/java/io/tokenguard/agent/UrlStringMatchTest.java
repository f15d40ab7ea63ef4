package io.tokenguard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A URL kept as one String (Reactor Netty's) is a token endpoint exactly when its parts, as java.net.URI
 * splits them, are: the delegate's path-region shortcut only ever rules out what the catalog would.
 */
class UrlStringMatchTest {
    private final TokenGuardDelegate delegate = new TokenGuardDelegate(AgentSettings.builder().mode(Mode.ENFORCE)
            .rule(EndpointRule.builder("idp").url("https://login.example.com/oauth2/*/token").limit("none")
                    .defaultTtl(Duration.ofHours(1)).build())
            .rule(EndpointRule.builder("any").url("http://127.0.0.1:*/realms/*/protocol/openid-connect/token")
                    .limit("none").defaultTtl(Duration.ofHours(1)).build())
            .build());

    @ParameterizedTest
    @ValueSource(strings = {
            "https://login.example.com/oauth2/v1/token",
            "https://login.example.com/oauth2/v1/token/",
            "https://login.example.com/oauth2/v1/token?x=1",
            "https://login.example.com/oauth2/v1/token#frag",
            "https://LOGIN.example.com/oauth2/v1/token",
            "HTTPS://login.example.com/oauth2/v1/token",
            "https://login.example.com:443/oauth2/v1/token",
            "https://login.example.com:8443/oauth2/v1/token",
            "https://user:pw@login.example.com/oauth2/v1/token",
            "https://login.example.com./oauth2/v1/token",
            "https://login.example.com/oauth2/v1/%74oken",
            "https://login.example.com/oauth2/v1/./token",
            "https://login.example.com/oauth2//v1/token",
            "https://login.example.com/oauth2/v1/x/../token",
            "https://login.example.com/oauth2/v1/token;jsessionid=1",
            "https://login.example.com/oauth2/v1/tokens",
            "https://login.example.com/oauth2/v1/Token",
            "https://login.example.com/api/orders",
            "https://login.example.com",
            "https://login.example.com?x=token",
            "http://127.0.0.1:8080/realms/r/protocol/openid-connect/token",
            "http://127.0.0.1/realms/r/protocol/openid-connect/token",
            "http://[::1]:8080/realms/r/protocol/openid-connect/token",
            "http://127.0.0.1:8080/realms/r/protocol/openid-connect/userinfo",
    })
    void aUrlStringMatchesAsItsParts(String url) {
        URI uri = URI.create(url);
        boolean parts = delegate.isTokenEndpoint(uri.getScheme(), uri.getHost(), uri.getPort(),
                uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        assertThat(delegate.isTokenEndpoint(url)).as(url).isEqualTo(parts);
    }

    /** A request target as Vert.x keeps it (path and query): the same answer as its path alone. */
    @ParameterizedTest
    @ValueSource(strings = {
            "https://login.example.com/oauth2/v1/token",
            "https://login.example.com/oauth2/v1/token?x=1",
            "https://login.example.com/oauth2/v1/token/?a=b&c=d",
            "https://login.example.com/oauth2/v1/%74oken?x=1",
            "https://login.example.com/oauth2/v1/./token?x=1",
            "https://login.example.com/oauth2/v1/tokens?x=1",
            "https://login.example.com/api/orders?page=2",
            "https://login.example.com/api/orders?next=/oauth2/v1/token",
            "http://127.0.0.1:8080/realms/r/protocol/openid-connect/token?",
    })
    void aRequestTargetMatchesAsItsPath(String url) {
        URI uri = URI.create(url);
        String target = uri.getRawQuery() == null && !url.endsWith("?") ? uri.getRawPath()
                : uri.getRawPath() + "?" + (uri.getRawQuery() == null ? "" : uri.getRawQuery());
        boolean path = delegate.isTokenEndpoint(uri.getScheme(), uri.getHost(), uri.getPort(), uri.getRawPath());
        assertThat(delegate.isTokenEndpointTarget(uri.getScheme(), uri.getHost(), uri.getPort(), target))
                .as(target).isEqualTo(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/oauth2/v1/token", "login.example.com/oauth2/v1/token", "", "mailto:a@b", "https:/x/token"})
    void anythingButAnAbsoluteUrlIsNot(String url) {
        assertThat(delegate.isTokenEndpoint(url)).isFalse();
    }
}
