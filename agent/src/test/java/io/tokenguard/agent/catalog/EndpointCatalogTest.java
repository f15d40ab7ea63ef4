package io.tokenguard.agent.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EndpointCatalogTest {
    private final EndpointCatalog catalog = EndpointCatalog.of(Arrays.asList(
            EndpointRule.builder("eloqua").url("https://login.eloqua.com/auth/oauth2/token").build(),
            EndpointRule.builder("okta").url("https://*.okta.com/oauth2/*/v1/token").build(),
            EndpointRule.builder("github").url("https://github.com/login/oauth/access_token").build()));

    @Test
    void firstMatchingRuleWins() {
        assertThat(catalog.match("https", "login.eloqua.com", -1, "/auth/oauth2/token").id()).isEqualTo("eloqua");
        assertThat(catalog.match("https", "acme.okta.com", -1, "/oauth2/default/v1/token").id()).isEqualTo("okta");
        assertThat(catalog.match("https", "github.com", -1, "/login/oauth/access_token").id()).isEqualTo("github");
        assertThat(catalog.match("https", "api.example.com", -1, "/v1/users")).isNull();
        assertThat(catalog.match("https", "api.example.com", -1, "/token")).isNull();
        assertThat(catalog.byId("okta").urls()).hasSize(1);
    }

    @Test
    void aWildcardLastSegmentDisablesThePrefilterButStillMatches() {
        EndpointCatalog any = EndpointCatalog.of(Arrays.asList(
                EndpointRule.builder("custom").url("https://idp.example/oauth/*").build()));
        assertThat(any.match("https", "idp.example", -1, "/oauth/issue")).isNotNull();
        assertThat(any.match("https", "idp.example", -1, "/other/issue")).isNull();
    }

    @Test
    void theSegmentIndexAnswersAsTryingEveryPatternInOrderWould() {
        java.util.List<EndpointRule> rules = Arrays.asList(
                EndpointRule.builder("root").url("https://root.example/").build(),
                EndpointRule.builder("short").url("https://*.example/token").build(),
                EndpointRule.builder("twice").url("https://a.example/oauth2/token").url("https://*.example/x/*/token").build(),
                EndpointRule.builder("shadowed").url("https://a.example/oauth2/token").build(),
                EndpointRule.builder("any").url("*://*/realms/*/protocol/openid-connect/token").build());
        EndpointCatalog indexed = EndpointCatalog.of(rules);
        String[] hosts = {"root.example", "a.example", "b.example", "kc.internal"};
        String[] paths = {"", "/", "//", "/token", "/token/", "//token", "/oauth2/token", "/oauth2/token/",
            "/oauth2//token", "/x/y/token", "/x//token", "/x/y/z/token", "/realms/r/protocol/openid-connect/token",
            "/realms//protocol/openid-connect/token", "token", "/a/b/c/d/e/f/g/h/token"};
        int matched = 0;
        for (String host : hosts) {
            for (String path : paths) {
                EndpointRule expected = null;
                for (EndpointRule r : rules) {
                    // Matched as the server reads the path: "//token" is "/token".
                    if (r.urls().stream().anyMatch(u -> u.matches("https", host, -1, UrlPaths.normalize(path)))) {
                        expected = r;
                        break;
                    }
                }
                assertThat(indexed.match("https", host, -1, path)).as(host + path).isSameAs(expected);
                matched += expected == null ? 0 : 1;
            }
        }
        // 17 as spelled, and 4 more read as the server reads them ("//" is "/", "//token" is "/token").
        assertThat(matched).as("URLs some rule matches").isEqualTo(21);
        assertThat(indexed.match("https", "a.example", -1, "/oauth2/token").id()).isEqualTo("twice");
    }

    /** Spellings a server reads as the token path: each used to pass the limit unguarded (issue 10 §8). */
    @Test
    void spellingsServersReadAsTheTokenPathMatchIt() {
        String[] spellings = {"/auth/oauth2/token", "/auth//oauth2/token", "/auth/./oauth2/token", "/auth/x/../oauth2/token",
            "/auth/oauth2/token;jsessionid=1", "/auth;v=1/oauth2/token", "/auth/oauth2/%74oken", "/auth/oauth2/%74%6f%6B%65%6e",
            "/auth/oauth2/token/", "/auth/oauth2/token/.", "/./auth/oauth2/token", "/../auth/oauth2/token",
            "/auth/%6Fauth2/token"};
        for (String path : spellings) {
            assertThat(catalog.match("https", "login.eloqua.com", -1, path)).as(path).isNotNull();
            assertThat(catalog.match("https", "login.eloqua.com.", -1, path)).as("trailing-dot host " + path).isNotNull();
            assertThat(catalog.match("https", "LOGIN.Eloqua.COM.", 443, path)).as(path).isNotNull();
        }
        String[] others = {"/auth/oauth2/token2", "/auth/oauth2/%2Ftoken", "/auth/oauth2/tok%65n%2F..", "/auth/token",
            "/auth/oauth2/token/../other", "/auth/oauth2/t;oken"};
        for (String path : others) {
            assertThat(catalog.match("https", "login.eloqua.com", -1, path)).as(path).isNull();
        }
        assertThat(catalog.match("https", "login.eloqua.com..", -1, "/auth/oauth2/token")).isNull();
        assertThat(UrlPaths.normalize("/a/%7e/%2f/%41/b;p=1/")).isEqualTo("/a/~/%2F/A/b/");
        assertThat(UrlPaths.normalize("/a/b/..")).isEqualTo("/a/");
        assertThat(UrlPaths.normalize("/..")).isEqualTo("/");
        assertThat(UrlPaths.normalize("/plain/path")).isEqualTo("/plain/path");
    }

    @Test
    void matchingDoesNotAllocate() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int hits = 0;
        for (int round = 0; round < 2; round++) {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 100_000; i++) {
                if (catalog.match("https", "api.example.com", -1, "/v1/customers/42/orders") != null) {
                    hits++;
                }
                if (catalog.match("https", "acme.okta.com", 443, "/oauth2/default/v1/token") != null) {
                    hits++;
                }
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            if (round == 1) {
                // The first round warms up; after that 200,000 matches may not allocate beyond noise.
                assertThat(allocated).as("bytes allocated by 200k matches").isLessThan(16 * 1024);
            }
        }
        assertThat(hits).isEqualTo(200_000);
    }
}
