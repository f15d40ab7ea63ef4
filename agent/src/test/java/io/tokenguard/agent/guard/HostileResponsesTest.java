package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-response corpus at the engine (issue 5): each odd answer goes to the app byte for
 * byte, is never a fault, and is cached only when it is an unambiguous 2xx token answer. The same
 * request is made twice: a cacheable answer costs one upstream call, anything else two.
 */
@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class HostileResponsesTest {
    private static final int CAPTURE_MAX = 4096;
    private static final String JSON = "application/json";
    private static final String TOKEN = "{\"access_token\":\"tok\",\"token_type\":\"bearer\",\"expires_in\":3600}";

    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final RecordingListener listener = new RecordingListener();
    private final EndpointRule rule = twitter();
    private final AgentSettings settings = AgentSettings.builder().mode(Mode.ENFORCE).rule(rule)
            .captureMaxBytes(CAPTURE_MAX).build();
    private final Guard guard;

    HostileResponsesTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
        this.guard = backEnd.guard(settings, clock, listener);
    }

    /** One odd answer: status, content type (null: none), extra headers, body; and whether it may be cached. */
    static final class Case {
        final String name;
        final int status;
        final String contentType;
        final List<String> headers;
        final byte[] body;
        final boolean cacheable;

        Case(String name, int status, String contentType, List<String> headers, byte[] body, boolean cacheable) {
            this.name = name;
            this.status = status;
            this.contentType = contentType;
            this.headers = headers;
            this.body = body;
            this.cacheable = cacheable;
        }

        int status() {
            return status;
        }

        String contentType() {
            return contentType;
        }

        List<String> headers() {
            return headers;
        }

        byte[] body() {
            return body;
        }

        boolean cacheable() {
            return cacheable;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Case answer(String name, int status, String contentType, String body, boolean cacheable) {
        return new Case(name, status, contentType, List.of(), body.getBytes(StandardCharsets.UTF_8), cacheable);
    }

    static Case json(String name, String body, boolean cacheable) {
        return answer(name, 200, JSON, body, cacheable);
    }

    static Case bytes(String name, String contentType, byte[] body, boolean cacheable) {
        return new Case(name, 200, contentType, List.of(), body, cacheable);
    }

    static Stream<Case> corpus() {
        String padding = "x".repeat(CAPTURE_MAX);
        return Stream.of(
                // Not JSON, or not an object.
                answer("non-JSON text", 200, "text/plain", "hello, this is not a token", false),
                answer("HTML login page with 200", 200, "text/html", "<html><body>Sign in</body></html>", false),
                json("truncated JSON (in a number)", "{\"access_token\":\"tok\",\"expires_in\":36", false),
                json("truncated JSON (after the token)", "{\"access_token\":\"tok\"", false),
                json("truncated JSON (inside the token)", "{\"access_token\":\"to", false),
                json("JSON array holding a token", "[" + TOKEN + "]", false),
                json("JSON string", "\"tok\"", false),
                json("JSON null", "null", false),
                json("empty body", "", false),
                json("whitespace only", " \r\n\t ", false),
                json("trailing garbage after the object", TOKEN + " garbage", false),
                json("two concatenated objects", TOKEN + TOKEN, false),
                json("leading whitespace and UTF-8 BOM", "\uFEFF \n" + TOKEN, true),
                json("nested 100,000 deep", "{\"access_token\":\"tok\",\"x\":" + "[".repeat(100_000)
                        + "]".repeat(100_000) + "}", false),
                json("number of 5,000 digits", "{\"access_token\":\"tok\",\"expires_in\":" + "9".repeat(5000) + "}",
                        false),
                // Size.
                json("huge body over capture.max-bytes", "{\"access_token\":\"tok\",\"pad\":\"" + padding + "\"}", false),
                json("body of exactly capture.max-bytes", "{\"access_token\":\"tok\",\"pad\":\""
                        + "x".repeat(CAPTURE_MAX - 31) + "\"}", true),
                // Encodings and media types.
                new Case("gzip (Content-Encoding) token answer", 200, JSON, List.of("Content-Encoding", "gzip"),
                        gzip(TOKEN), false),
                answer("wrong content type text/plain holding JSON", 200, "text/plain", TOKEN, true),
                answer("no content type holding JSON", 200, null, TOKEN, true),
                answer("form content type holding JSON", 200, "application/x-www-form-urlencoded", TOKEN, false),
                answer("form-encoded token (legacy GitHub)", 200, "application/x-www-form-urlencoded",
                        "access_token=tok&token_type=bearer&expires_in=3600", true),
                answer("form-encoded with access_token twice", 200, "application/x-www-form-urlencoded",
                        "access_token=tok&access_token=other", false),
                answer("form-encoded with unreadable expires_in", 200, "application/x-www-form-urlencoded",
                        "access_token=tok&expires_in=soon", false),
                new Case("chunked (Transfer-Encoding) token answer", 200, JSON,
                        List.of("Transfer-Encoding", "chunked"), TOKEN.getBytes(StandardCharsets.UTF_8), true),
                bytes("non-UTF-8 byte inside the access token", JSON, concat("{\"access_token\":\"t", new byte[] {(byte) 0xFF},
                        "\",\"expires_in\":3600}"), false),
                bytes("non-UTF-8 byte in another field", JSON, concat("{\"access_token\":\"tok\",\"x\":\"", new byte[] {(byte) 0xC3},
                        "\",\"expires_in\":3600}"), false),
                bytes("Latin-1 text", "text/plain; charset=ISO-8859-1", "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1),
                        false),
                bytes("random binary", "application/octet-stream", random(512), false),
                // expires_in.
                json("expires_in as numeric string", "{\"access_token\":\"tok\",\"expires_in\":\"3600\"}", true),
                json("expires_in as text", "{\"access_token\":\"tok\",\"expires_in\":\"one hour\"}", false),
                json("expires_in empty string", "{\"access_token\":\"tok\",\"expires_in\":\"\"}", false),
                json("expires_in negative", "{\"access_token\":\"tok\",\"expires_in\":-3600}", false),
                json("expires_in zero", "{\"access_token\":\"tok\",\"expires_in\":0}", false),
                json("expires_in huge (1e12 s)", "{\"access_token\":\"tok\",\"expires_in\":1000000000000}", true),
                json("expires_in beyond double (1e400)", "{\"access_token\":\"tok\",\"expires_in\":1e400}", false),
                json("expires_in NaN as text", "{\"access_token\":\"tok\",\"expires_in\":\"NaN\"}", false),
                json("expires_in fractional", "{\"access_token\":\"tok\",\"expires_in\":90.5}", true),
                json("expires_in boolean", "{\"access_token\":\"tok\",\"expires_in\":true}", false),
                json("expires_in object", "{\"access_token\":\"tok\",\"expires_in\":{\"s\":3600}}", false),
                json("expires_in null (= not said)", "{\"access_token\":\"tok\",\"expires_in\":null}", true),
                // access_token.
                json("missing access_token", "{\"token_type\":\"bearer\",\"expires_in\":3600}", false),
                json("empty access_token", "{\"access_token\":\"\",\"expires_in\":3600}", false),
                json("numeric access_token", "{\"access_token\":12345,\"expires_in\":3600}", false),
                json("null access_token", "{\"access_token\":null,\"expires_in\":3600}", false),
                json("access_token only nested", "{\"data\":" + TOKEN + "}", false),
                // Errors dressed as successes.
                json("200 with an error field", "{\"access_token\":\"tok\",\"error\":\"invalid_grant\"}", false),
                json("200 with only an error field", "{\"error\":\"invalid_client\"}", false),
                json("200 with an error object", "{\"access_token\":\"tok\",\"error\":{\"code\":7}}", false),
                json("200 with an errors array", "{\"access_token\":\"tok\",\"errors\":[{\"code\":99}]}", false),
                json("200 with an empty errors array", "{\"access_token\":\"tok\",\"errors\":[]}", false),
                json("200 with error null (= no error)", "{\"access_token\":\"tok\",\"error\":null}", true),
                // Duplicate keys: the app's parser decides which one counts, so nobody may cache it.
                json("duplicate access_token keys", "{\"access_token\":\"a\",\"access_token\":\"b\"}", false),
                json("duplicate expires_in keys", "{\"access_token\":\"tok\",\"expires_in\":0,\"expires_in\":3600}",
                        false),
                json("duplicate keys in a nested object", "{\"access_token\":\"tok\",\"x\":{\"k\":1,\"k\":2}}", false),
                // Statuses.
                answer("201 with a token", 201, JSON, TOKEN, true),
                answer("204 without a body", 204, null, "", false),
                answer("302 with a token body", 302, JSON, TOKEN, false),
                answer("500 with a token body", 500, JSON, TOKEN, false),
                answer("400 invalid_grant", 400, JSON, "{\"error\":\"invalid_grant\"}", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void theAppSeesTheAnswerAsSentAndOnlyAnUnambiguousTokenIsCached(Case c) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Upstream upstream = () -> {
            calls.incrementAndGet();
            return new TokenHttpResponse(c.status(), "Reason", headers(c), c.body(), ResponseSource.UPSTREAM);
        };

        TokenHttpResponse first = guard.exchange(rule, twitterBearer("app"), upstream);
        TokenHttpResponse second = guard.exchange(rule, twitterBearer("app"), upstream);

        for (TokenHttpResponse r : List.of(first, second)) {
            assertThat(r.status()).isEqualTo(c.status());
            assertThat(r.body()).isEqualTo(c.body());
            assertThat(r.headers().first("Content-Type")).isEqualTo(c.contentType());
        }
        assertThat(first.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(calls).as("upstream calls").hasValue(c.cacheable() ? 1 : 2);
        assertThat(second.source()).isEqualTo(c.cacheable() ? ResponseSource.CACHE : ResponseSource.UPSTREAM);
        assertThat(listener.faults).isEmpty();
        assertThat(listener.violations).isEmpty();
    }

    @Test
    void aFractionalLifetimeIsHonouredToTheMillisecond() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Upstream upstream = () -> {
            calls.incrementAndGet();
            return new TokenHttpResponse(200, "OK", headers(json("", "", true)),
                    "{\"access_token\":\"tok\",\"expires_in\":0.5}".getBytes(StandardCharsets.UTF_8),
                    ResponseSource.UPSTREAM);
        };
        guard.exchange(rule, twitterBearer("app"), upstream);
        clock.advance(Duration.ofMillis(49)); // a tenth of 0.5 s is kept, the 60 s skew notwithstanding
        guard.exchange(rule, twitterBearer("app"), upstream);
        assertThat(calls).hasValue(1);
        clock.advance(Duration.ofMillis(2));
        guard.exchange(rule, twitterBearer("app"), upstream);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aHugeLifetimeIsCappedAtAYear() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Upstream upstream = () -> {
            calls.incrementAndGet();
            return new TokenHttpResponse(200, "OK", headers(json("", "", true)),
                    "{\"access_token\":\"tok\",\"expires_in\":1e300}".getBytes(StandardCharsets.UTF_8),
                    ResponseSource.UPSTREAM);
        };
        guard.exchange(rule, twitterBearer("app"), upstream);
        clock.advance(Duration.ofDays(365));
        guard.exchange(rule, twitterBearer("app"), upstream);
        assertThat(calls).hasValue(1);
        clock.advance(Duration.ofDays(2));
        guard.exchange(rule, twitterBearer("app"), upstream);
        assertThat(calls).hasValue(2);
    }

    /** Connection reset mid-body: the app gets the failure, nothing is remembered, the next call goes up. */
    @Test
    void aResetMidBodyReachesTheAppAndIsNotRemembered() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Upstream upstream = () -> {
            if (calls.incrementAndGet() == 1) {
                throw new SocketException("Connection reset");
            }
            return new TokenHttpResponse(200, "OK", headers(json("", "", true)),
                    TOKEN.getBytes(StandardCharsets.UTF_8), ResponseSource.UPSTREAM);
        };
        assertThatThrownBy(() -> guard.exchange(rule, twitterBearer("app"), upstream))
                .isInstanceOf(SocketException.class).hasMessage("Connection reset");
        TokenHttpResponse next = guard.exchange(rule, twitterBearer("app"), upstream);
        assertThat(next.source()).isEqualTo(ResponseSource.UPSTREAM);
        assertThat(calls).hasValue(2);
        assertThat(listener.faults).isEmpty();
        assertThat(listener.count("error")).isEqualTo(1);
    }

    private static HttpHeaders headers(Case c) {
        HttpHeaders.Builder h = HttpHeaders.builder();
        if (c.contentType() != null) {
            h.add("Content-Type", c.contentType());
        }
        for (int i = 0; i + 1 < c.headers().size(); i += 2) {
            h.add(c.headers().get(i), c.headers().get(i + 1));
        }
        return h.build();
    }

    private static byte[] gzip(String text) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(text.getBytes(StandardCharsets.UTF_8));
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new java.util.Random(42).nextBytes(b);
        return b;
    }
}
