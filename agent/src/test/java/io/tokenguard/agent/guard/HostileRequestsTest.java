package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-request corpus at the engine (issue 5): pairs of requests that an IdP may or may not
 * read as the same credentials. A pair shares a cached answer only when every value the IdP decodes
 * is the same (e.g. '+' and '%20' for a space); two different secrets, or the same ones in a form
 * an IdP could read differently, never share. The FakeIdp issues a new token per call, so sharing
 * shows as the second request getting tok-1 from the cache.
 */
@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class HostileRequestsTest {
    private static final String FORM = "application/x-www-form-urlencoded";

    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final RecordingListener listener = new RecordingListener();
    private final EndpointRule rule = twitter();
    private final Guard guard;

    HostileRequestsTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
        this.guard = backEnd.guard(settings(Mode.ENFORCE, rule), clock, listener);
    }

    static final class Pair {
        final String name;
        final TokenHttpRequest first;
        final TokenHttpRequest second;
        final boolean share;

        Pair(String name, TokenHttpRequest first, TokenHttpRequest second, boolean share) {
            this.name = name;
            this.first = first;
            this.second = second;
            this.share = share;
        }

        @Override
        public String toString() {
            return name + (share ? " -> share" : " -> never share");
        }
    }

    static Pair form(String name, String first, String second, boolean share) {
        return new Pair(name, request(TWITTER_URL, FORM, bytes(first)), request(TWITTER_URL, FORM, bytes(second)), share);
    }

    static Pair json(String name, String first, String second, boolean share) {
        return new Pair(name, request(TWITTER_URL, "application/json", bytes(first)),
                request(TWITTER_URL, "application/json", bytes(second)), share);
    }

    static Stream<Pair> corpus() {
        String cc = "grant_type=client_credentials&client_id=app&client_secret=";
        return Stream.of(
                // Encodings of the same value: an IdP decodes them alike, so sharing is right.
                form("'+' vs '%20' in a secret", cc + "s+e+c", cc + "s%20e%20c", true),
                form("'%2b' vs '%2B' in a secret", cc + "a%2bb", cc + "a%2Bb", true),
                form("'%41' vs 'A' in a secret", cc + "%41bc", cc + "Abc", true),
                form("parameters in another order", "client_secret=s&grant_type=client_credentials&client_id=app",
                        cc + "s", true),
                form("the very same duplicated parameters", cc + "a&client_secret=b", cc + "a&client_secret=b", true),
                // Different values, or the same ones in a way an IdP may read differently.
                form("'+' vs '%2B' in a secret (space vs plus)", cc + "a+b", cc + "a%2Bb", false),
                form("duplicated secret, values swapped", cc + "right&client_secret=wrong",
                        cc + "wrong&client_secret=right", false),
                form("duplicated secret vs single", cc + "right&client_secret=wrong", cc + "right", false),
                form("mixed-case parameter name", cc + "s", "grant_type=client_credentials&client_id=app&Client_Secret=s",
                        false),
                form("mixed-case grant_type name", cc + "s", "Grant_Type=client_credentials&client_id=app&client_secret=s",
                        false),
                form("non-UTF-8 escapes %FF vs %FE", cc + "%FF", cc + "%FE", false),
                new Pair("non-UTF-8 raw bytes 0xFF vs 0xFE", request(TWITTER_URL, FORM, concat(cc, (byte) 0xFF)),
                        request(TWITTER_URL, FORM, concat(cc, (byte) 0xFE)), false),
                form("overlong UTF-8 %C0%AF vs '/'", cc + "%C0%AF", cc + "/", false),
                form("malformed escapes %zz vs %zy", cc + "%zz", cc + "%zy", false),
                form("truncated escape vs none", cc + "ab%4", cc + "ab", false),
                form("NUL moved between name and value", "grant_type=client_credentials&x%00y=z",
                        "grant_type=client_credentials&x=y%00z", false),
                form("value split across a repeated name", "grant_type=client_credentials&a=b&a=c&c=d",
                        "grant_type=client_credentials&a=b&c=c&c=d", false),
                json("JSON lone surrogates \\ud800 vs \\udbff",
                        "{\"grant_type\":\"client_credentials\",\"client_secret\":\"\\ud800\"}",
                        "{\"grant_type\":\"client_credentials\",\"client_secret\":\"\\udbff\"}", false),
                json("JSON duplicate keys, values swapped",
                        "{\"grant_type\":\"client_credentials\",\"client_secret\":\"a\",\"client_secret\":\"b\"}",
                        "{\"grant_type\":\"client_credentials\",\"client_secret\":\"b\",\"client_secret\":\"a\"}", false),
                new Pair("JSON with invalid UTF-8 bytes 0xFF vs 0xFE", request(TWITTER_URL, "application/json",
                        latin1("{\"grant_type\":\"client_credentials\",\"client_secret\":\"\u00ff\"}")),
                        request(TWITTER_URL, "application/json",
                        latin1("{\"grant_type\":\"client_credentials\",\"client_secret\":\"\u00fe\"}")), false),
                // One value, two JSON types (or two readings of the body): an IdP rejects one of them.
                new Pair("a JSON body and a form body with the same fields, same content type",
                        request(TWITTER_URL, FORM, bytes("{\"grant_type\":\"client_credentials\",\"client_id\":\"app\"}")),
                        request(TWITTER_URL, FORM, bytes("grant_type=client_credentials&client_id=app")), false),
                json("JSON array vs a string holding its text",
                        "{\"grant_type\":\"client_credentials\",\"scope\":[\"a\",\"b\"]}",
                        "{\"grant_type\":\"client_credentials\",\"scope\":\"[\\\"a\\\",\\\"b\\\"]\"}", false),
                json("JSON null vs \"null\"", "{\"grant_type\":\"client_credentials\",\"scope\":null}",
                        "{\"grant_type\":\"client_credentials\",\"scope\":\"null\"}", false),
                json("JSON 600 vs \"600\"", "{\"grant_type\":\"client_credentials\",\"ttl\":600}",
                        "{\"grant_type\":\"client_credentials\",\"ttl\":\"600\"}", false),
                json("JSON true vs \"true\"", "{\"grant_type\":\"client_credentials\",\"offline\":true}",
                        "{\"grant_type\":\"client_credentials\",\"offline\":\"true\"}", false),
                json("the very same typed JSON values", "{\"grant_type\":\"client_credentials\",\"ttl\":600}",
                        "{\"ttl\":600,\"grant_type\":\"client_credentials\"}", true),
                new Pair("same values as JSON vs as a form", request(TWITTER_URL, FORM, bytes("grant_type=client_credentials")),
                        request(TWITTER_URL, "application/json", bytes("{\"grant_type\":\"client_credentials\"}")), false),
                new Pair("same form body under another content type", request(TWITTER_URL, FORM, bytes(cc + "s")),
                        request(TWITTER_URL, "text/plain", bytes(cc + "s")), false),
                new Pair("same request, another Accept", withHeader(request(TWITTER_URL, FORM, bytes(cc + "s")), "Accept",
                        "application/json"), request(TWITTER_URL, FORM, bytes(cc + "s")), false),
                new Pair("binary bodies, one byte apart", request(TWITTER_URL, "application/octet-stream", binary(0)),
                        request(TWITTER_URL, "application/octet-stream", binary(1)), false),
                new Pair("the very same binary body", request(TWITTER_URL, "application/octet-stream", binary(0)),
                        request(TWITTER_URL, "application/octet-stream", binary(0)), true),
                new Pair("empty body vs a body", request(TWITTER_URL, FORM, new byte[0]),
                        request(TWITTER_URL, FORM, bytes("grant_type=client_credentials")), false),
                new Pair("query-string secrets differ", request(TWITTER_URL + "?client_secret=a", FORM,
                        bytes("grant_type=client_credentials")), request(TWITTER_URL + "?client_secret=b", FORM,
                        bytes("grant_type=client_credentials")), false),
                new Pair("query-string secret vs none", request(TWITTER_URL + "?client_secret=a", FORM,
                        bytes("grant_type=client_credentials")), request(TWITTER_URL, FORM,
                        bytes("grant_type=client_credentials")), false),
                new Pair("query-string '+' vs '%20' (kept apart: the query is compared as sent)",
                        request(TWITTER_URL + "?client_secret=a+b", FORM, bytes("grant_type=client_credentials")),
                        request(TWITTER_URL + "?client_secret=a%20b", FORM, bytes("grant_type=client_credentials")),
                        false),
                new Pair("secret in the query vs in the body", request(TWITTER_URL + "?client_secret=a", FORM,
                        bytes("grant_type=client_credentials")), request(TWITTER_URL, FORM,
                        bytes("grant_type=client_credentials&client_secret=a")), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void onlyTheSameDecodedCredentialsShareAnAnswer(Pair p) throws Exception {
        TokenHttpResponse first = guard.exchange(rule, p.first, idp.upstream());
        TokenHttpResponse second = guard.exchange(rule, p.second, idp.upstream());

        assertThat(FakeIdp.text(first)).contains("tok-1");
        assertThat(FakeIdp.text(second)).contains(p.share ? "tok-1" : "tok-2");
        assertThat(second.source()).isEqualTo(p.share ? ResponseSource.CACHE : ResponseSource.UPSTREAM);
        assertThat(idp.calls).hasValue(p.share ? 1 : 2);
        assertThat(listener.faults).isEmpty();
    }

    /** Users whose names are not UTF-8 are still told apart by the per-user limit, not lumped into one. */
    @Test
    void usersWithNonUtf8NamesDoNotShareALimit() throws Exception {
        EndpointRule eloqua = eloqua(io.tokenguard.agent.catalog.OnLimit.REJECT);
        Guard g = backEnd.guard(settings(Mode.ENFORCE, eloqua), clock, listener);
        String body = "grant_type=password&password=pw&username=";
        TokenHttpResponse ff = g.exchange(eloqua, request(ELOQUA_URL, FORM, bytes(body + "%FF")), idp.upstream());
        TokenHttpResponse fe = g.exchange(eloqua, request(ELOQUA_URL, FORM, bytes(body + "%FE")), idp.upstream());
        TokenHttpResponse ffAgain = g.exchange(eloqua, request(ELOQUA_URL, FORM, bytes(body + "%FF")), idp.upstream());

        assertThat(ff.status()).isEqualTo(200);
        assertThat(fe.status()).isEqualTo(200);
        assertThat(FakeIdp.text(fe)).contains("tok-2");
        assertThat(ffAgain.source()).isEqualTo(ResponseSource.CACHE);
        assertThat(listener.violations).isEmpty();
        assertThat(idp.calls).hasValue(2);
    }

    /** A token URL asked with GET (or any other method) is passed through and never answered from the cache. */
    @Test
    void aGetToATokenUrlIsNeverCachedNorCachedFor() throws Exception {
        TokenHttpRequest get = new TokenHttpRequest(TestRequests.CLIENT, "GET", url(TWITTER_URL + "?grant_type=client_credentials"),
                HttpHeaders.builder().add("Authorization", basic("app", "app-secret")).build(), new byte[0], 0);
        TokenHttpResponse one = guard.exchange(rule, get, idp.upstream());
        TokenHttpResponse two = guard.exchange(rule, get, idp.upstream());
        TokenHttpResponse post = guard.exchange(rule, twitterBearer("app"), idp.upstream());

        assertThat(FakeIdp.text(one)).contains("tok-1");
        assertThat(FakeIdp.text(two)).contains("tok-2");
        assertThat(FakeIdp.text(post)).contains("tok-3");
        assertThat(listener.count("passthrough")).isEqualTo(2);
        assertThat(idp.calls).hasValue(3);
    }

    /**
     * Methods are case-sensitive (RFC 9110 §9.1): "post" never shares an answer with "POST", nor with
     * itself. ASP.NET Core hosts read it as a POST, so limits still count it (HostileReviewTest).
     */
    @Test
    void aLowerCasePostIsNeverCachedNorServedFromTheCache() throws Exception {
        TokenHttpRequest post = twitterBearer("app");
        TokenHttpRequest lower = new TokenHttpRequest(post.client(), "post", post.url(), post.headers(), post.body(), 0);
        guard.exchange(rule, post, idp.upstream());
        TokenHttpResponse one = guard.exchange(rule, lower, idp.upstream());
        TokenHttpResponse two = guard.exchange(rule, lower, idp.upstream());

        assertThat(FakeIdp.text(one)).contains("tok-2");
        assertThat(FakeIdp.text(two)).contains("tok-3");
        assertThat(one.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(listener.count("upstream")).isEqualTo(3);
    }

    /** An empty POST is a request like any other: identical ones share, and an error answer is never kept. */
    @Test
    void anEmptyBodyIsIdentityLikeAnyOther() throws Exception {
        idp.status = 400;
        idp.body = "{\"error\":\"invalid_request\"}";
        TokenHttpRequest empty = request(TWITTER_URL, FORM, new byte[0]);
        assertThat(guard.exchange(rule, empty, idp.upstream()).status()).isEqualTo(400);
        assertThat(guard.exchange(rule, empty, idp.upstream()).status()).isEqualTo(400);
        assertThat(idp.calls).hasValue(2);
        assertThat(listener.faults).isEmpty();
    }

    private static TokenHttpRequest request(String url, String contentType, byte[] body) {
        HttpHeaders h = HttpHeaders.builder().add("Content-Type", contentType).build();
        return new TokenHttpRequest(TestRequests.CLIENT, "POST", url(url), h, body, 0);
    }

    private static TokenHttpRequest withHeader(TokenHttpRequest r, String name, String value) {
        return new TokenHttpRequest(r.client(), r.method(), r.url(), r.headers().with(name, value), r.body(), 0);
    }

    private static URL url(String url) {
        try {
            return new URL(url);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Single bytes 0xFE/0xFF: never valid in UTF-8. */
    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(String text, byte last) {
        byte[] t = bytes(text);
        byte[] b = java.util.Arrays.copyOf(t, t.length + 1);
        b[t.length] = last;
        return b;
    }

    private static byte[] binary(int flip) {
        byte[] b = new byte[256];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        b[100] ^= flip;
        return b;
    }
}
