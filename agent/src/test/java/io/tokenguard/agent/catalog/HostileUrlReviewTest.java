package io.tokenguard.agent.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile review of URL matching (issue 10 §8). Each test asserts the safe behaviour: a failing test
 * is a defect. "Safe" for matching is: every spelling the provider's server reads as its token
 * endpoint is guarded (or the limit is bypassed), no other endpoint or tenant is read as this one.
 */
class HostileUrlReviewTest {
    private final EndpointCatalog catalog = EndpointCatalog.of(Arrays.asList(
            EndpointRule.builder("eloqua").url("https://login.eloqua.com/auth/oauth2/token").build(),
            EndpointRule.builder("entra").url("https://login.microsoftonline.com/*/oauth2/v2.0/token").build(),
            EndpointRule.builder("keycloak").url("*://*/realms/*/protocol/openid-connect/token").build()));

    /**
     * Server-dependent: Entra ID (and IIS / ASP.NET hosts in general) route paths case-insensitively,
     * so /common/OAuth2/V2.0/Token is the token endpoint there; the catalog compares the path
     * case-sensitively and the request goes out unguarded (no cache, no cooldown, no limit).
     */
    @Test
    @Disabled("known limit (README): paths are matched case-sensitively, as RFC 3986 reads them; a rule for a "
            + "case-insensitive server can list the other spellings")
    void aCaseInsensitiveServersTokenPathInAnotherCaseIsGuarded() {
        assertThat(catalog.match("https", "login.microsoftonline.com", -1, "/common/OAuth2/V2.0/Token"))
                .as("Entra token endpoint, path in another case").isNotNull();
    }

    /** PASS expected: hosts that only look like the provider's are not it. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"login.eloqua.com.evil.example", "evil-login.eloqua.com", "login-eloqua.com",
        "login.eloqua.com..", "login%2eeloqua.com", "xlogin.eloqua.com"})
    void lookAlikeHostsAreNotTheProvider(String host) {
        assertThat(catalog.match("https", host, -1, "/auth/oauth2/token")).isNull();
    }

    /** PASS expected: paths that are not the token endpoint to any server are never read as it. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/auth/oauth2/tokenx", "/auth/oauth2/token%2F..", "/auth/oauth2/token/../revoke",
        "/auth/oauth2/token%00", "/auth/oauth2%2Ftoken", "/auth/oauth2/to%6Ben/..", "/auth/oauth2/token%3B"})
    void otherPathsAreNotTheTokenEndpoint(String path) {
        assertThat(catalog.match("https", "login.eloqua.com", -1, path)).isNull();
    }

    /** PASS expected: an encoded slash or dots inside one realm name never turn it into another realm. */
    @Test
    void anEncodedRealmNameIsNeverAnotherRealm() {
        String realmB = "/realms/b/protocol/openid-connect/token";
        for (String path : new String[] {"/realms/a%2F..%2Fb/protocol/openid-connect/token",
            "/realms/a%2f%2e%2e%2fb/protocol/openid-connect/token", "/realms/b%00/protocol/openid-connect/token"}) {
            assertThat(UrlPaths.normalize(path)).as(path).isNotEqualTo(realmB);
        }
    }
}
