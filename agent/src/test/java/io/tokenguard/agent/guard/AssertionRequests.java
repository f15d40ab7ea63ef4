package io.tokenguard.agent.guard;

import io.tokenguard.agent.catalog.AssertionIdentity;
import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.jose.TestJwts;
import io.tokenguard.agent.jose.TrustedKeys;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Requests of the assertion and DPoP tests: Google-, Entra- and DPoP-shaped endpoints, rules and bodies. */
final class AssertionRequests {
    static final String GOOGLE_URL = "https://oauth2.googleapis.com/token";
    static final String ENTRA_URL = "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token";
    static final String DPOP_URL = "https://as.example/oauth2/token";
    static final String FORM = "application/x-www-form-urlencoded";
    static final String JWT_BEARER = "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer";
    static final String JWT_BEARER_RAW = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    static final String CLIENT_ASSERTION_TYPE = "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer";
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\":\"([^\"]*)\"");

    private AssertionRequests() {
    }

    static EndpointRule google(AssertionIdentity how, TrustedKeys keys) {
        return EndpointRule.builder("google").url(GOOGLE_URL).limit("none").assertionIdentity(how).assertionKeys(keys)
                .build();
    }

    static String jwkHeader(KeyPair keys) {
        return ",\"jwk\":" + TestJwts.jwk(keys.getPublic());
    }

    static TokenHttpRequest jwtBearer(String assertion, String extra) {
        return TestRequests.post(GOOGLE_URL, null, FORM, "grant_type=" + JWT_BEARER + "&assertion=" + assertion + extra,
                0);
    }

    static TokenHttpRequest withHeaders(String method, String url, HttpHeaders headers, String body) {
        try {
            return new TokenHttpRequest(TestRequests.CLIENT, method, new URL(url), headers,
                    body.getBytes(StandardCharsets.UTF_8), 0);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The access token of an answer (its expires_in counts down as the clock moves), or the whole body. */
    static String token(TokenHttpResponse r) {
        Matcher m = ACCESS_TOKEN.matcher(FakeIdp.text(r));
        return m.find() ? m.group(1) : FakeIdp.text(r);
    }
}
