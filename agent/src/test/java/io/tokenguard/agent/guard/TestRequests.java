package io.tokenguard.agent.guard;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Rules, settings and requests shaped like the providers in the seeds. */
final class TestRequests {
    static final String ELOQUA_URL = "https://login.eloqua.com/auth/oauth2/token";
    static final String TWITTER_URL = "https://api.twitter.com/oauth2/token";
    /** The client of a request whose client does not matter to the test. */
    static final HttpClientKind CLIENT = HttpClientKind.URLCONNECTION;

    private TestRequests() {
    }

    static EndpointRule eloqua(OnLimit onLimit) {
        return EndpointRule.builder("eloqua").url(ELOQUA_URL).limit("1/60s").onLimit(onLimit)
                .exemptGrants("refresh_token").defaultTtl(Duration.ofHours(8)).build();
    }

    static EndpointRule twitter() {
        return EndpointRule.builder("twitter").url(TWITTER_URL).limit("none").defaultTtl(Duration.ofHours(1))
                .lockout(403, "99").cooldown(Duration.ofMinutes(15)).build();
    }

    static AgentSettings settings(Mode mode, EndpointRule rule) {
        return AgentSettings.builder().mode(mode).rule(rule).build();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static TokenHttpRequest eloquaPassword(String user, String password) {
        String json = "{\"grant_type\":\"password\",\"scope\":\"full\",\"username\":\"SampleCo\\\\" + user
                + "\",\"password\":\"" + password + "\"}";
        return post(ELOQUA_URL, basic("sample-app-client", "sample-app-secret"), "application/json", json, 0);
    }

    static TokenHttpRequest eloquaRefresh(String refreshToken) {
        return post(ELOQUA_URL, basic("sample-app-client", "sample-app-secret"), "application/x-www-form-urlencoded",
                "grant_type=refresh_token&refresh_token=" + refreshToken, 0);
    }

    static TokenHttpRequest twitterBearer(String consumer) {
        return post(TWITTER_URL, basic(consumer, consumer + "-secret"), "application/x-www-form-urlencoded;charset=UTF-8",
                "grant_type=client_credentials", 0);
    }

    /** The same request as sent by the named HTTP client library. */
    static TokenHttpRequest via(String httpClient, TokenHttpRequest r) {
        return new TokenHttpRequest(HttpClientKind.forTag(httpClient), r.method(), r.url(), r.headers(), r.body(),
                r.timeoutMillis());
    }

    static TokenHttpRequest post(String url, String authorization, String contentType, String body, long timeoutMillis) {
        HttpHeaders.Builder h = HttpHeaders.builder().add("Content-Type", contentType);
        if (authorization != null) {
            h.add("Authorization", authorization);
        }
        try {
            return new TokenHttpRequest(CLIENT, "POST", new URL(url), h.build(),
                    body.getBytes(StandardCharsets.UTF_8), timeoutMillis);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
