package io.tokenguard.agent.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UrlPatternTest {
    private static boolean matches(String pattern, String url) throws Exception {
        URL u = new URL(url);
        return UrlPattern.parse(pattern).matches(u.getProtocol(), u.getHost(), u.getPort(), u.getPath());
    }

    @ParameterizedTest
    @CsvSource({
        "https://login.eloqua.com/auth/oauth2/token, https://login.eloqua.com/auth/oauth2/token, true",
        "https://login.eloqua.com/auth/oauth2/token, https://LOGIN.Eloqua.com/auth/oauth2/token/, true",
        "https://login.eloqua.com/auth/oauth2/token, https://login.eloqua.com:443/auth/oauth2/token?x=1, true",
        "https://login.eloqua.com/auth/oauth2/token, http://login.eloqua.com/auth/oauth2/token, false",
        "https://login.eloqua.com/auth/oauth2/token, https://login.eloqua.com/auth/oauth2/TOKEN, false",
        "https://login.eloqua.com/auth/oauth2/token, https://login.eloqua.com/auth/oauth2/token/x, false",
        "https://login.eloqua.com/auth/oauth2/token, https://login.eloqua.com.evil.example/auth/oauth2/token, false",
        "https://login.eloqua.com/auth/oauth2/token, https://evil-login.eloqua.com/auth/oauth2/token, false",
        "https://*.okta.com/oauth2/*/v1/token, https://acme.okta.com/oauth2/default/v1/token, true",
        "https://*.okta.com/oauth2/*/v1/token, https://a.b.okta.com/oauth2/default/v1/token, false",
        "https://*.okta.com/oauth2/*/v1/token, https://okta.com/oauth2/default/v1/token, false",
        "https://*.okta.com/oauth2/*/v1/token, https://acme.okta.com/oauth2/v1/token, false",
        "*://*/realms/*/protocol/openid-connect/token, http://kc.internal:8080/realms/main/protocol/openid-connect/token, true",
        "*://*/realms/*/protocol/openid-connect/token, ftp://kc/realms/main/protocol/openid-connect/token, false",
        "http://127.0.0.1:*/oauth2/token, http://127.0.0.1:41234/oauth2/token, true",
        "http://127.0.0.1:*/oauth2/token, http://127.0.0.1:41234/auth/oauth2/token, false",
        "http://127.0.0.1:8080/oauth2/token, http://127.0.0.1:8081/oauth2/token, false",
        "http://127.0.0.1:80/oauth2/token, http://127.0.0.1/oauth2/token, true",
    })
    void matchesLikeTheDocumentationSays(String pattern, String url, boolean expected) throws Exception {
        assertThat(matches(pattern, url)).as(pattern + " vs " + url).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"login.eloqua.com/token", "ftp://x/token", "https://user:pw@x/token", "https://x/token?a=b",
        "https://x:99999/token", "https://x:abc/token", "https://a..b/token", "https://x//token"})
    void rejectsMalformedPatterns(String pattern) {
        assertThatThrownBy(() -> UrlPattern.parse(pattern)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("URL pattern");
    }

    @Test
    void nullPartsNeverMatch() {
        assertThat(UrlPattern.parse("https://x/token").matches(null, "x", -1, "/token")).isFalse();
        assertThat(UrlPattern.parse("https://x/token").matches("https", "x", -1, "")).isFalse();
    }
}
