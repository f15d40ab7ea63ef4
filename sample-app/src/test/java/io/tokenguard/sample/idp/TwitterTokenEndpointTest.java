package io.tokenguard.sample.idp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.sample.json.JsonParser;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TwitterTokenEndpointTest {
    private static final String SEED_403 = "{\"errors\":[{\"label\":\"authenticity_token_error\",\"code\":99,"
            + "\"message\":\"Unable to verify your credentials\"}]}";
    private static final String FORM = "application/x-www-form-urlencoded;charset=UTF-8";

    private final ManualClock clock = new ManualClock();
    private final EmulatedIdp idp = EmulatedIdp.start(IdpOptions.defaults().withClock(clock));

    @AfterEach
    void stop() {
        idp.close();
    }

    private HttpResponse<String> bearer(String key, String secret) {
        return Http.post(idp.baseUrl() + "/oauth2/token", FORM, "grant_type=client_credentials",
                "Authorization", Http.basic(key, secret));
    }

    private HttpResponse<String> bearer(String key) {
        return bearer(key, key + "-secret");
    }

    @Test
    void sameBearerEveryTimeAndNoExpiry() {
        HttpResponse<String> first = bearer("sample-consumer");
        HttpResponse<String> second = bearer("sample-consumer");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("application/json;charset=utf-8");
        Map<String, String> f = JsonParser.parseFlatObject(first.body());
        assertThat(f).containsOnlyKeys("token_type", "access_token").containsEntry("token_type", "bearer");
        assertThat(f.get("access_token")).startsWith("AAAA");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(JsonParser.parseFlatObject(bearer("other-consumer").body()).get("access_token"))
                .isNotEqualTo(f.get("access_token"));

        HttpResponse<String> data = Eloqua.data(idp, f.get("access_token"));
        assertThat(data.body()).isEqualTo("{\"user\":\"sample-consumer\",\"provider\":\"twitter\"}");
    }

    @Test
    void silentLockoutAfterMaxCallsThenRecovery() {
        for (int i = 0; i < 10; i++) {
            assertThat(bearer("sample-consumer").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> locked = bearer("sample-consumer");
        assertThat(locked.statusCode()).isEqualTo(403);
        assertThat(locked.body()).isEqualTo(SEED_403);
        assertThat(locked.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(locked.headers().firstValue("Cache-Control"))
                .hasValue("no-cache, no-store, must-revalidate, pre-check=0, post-check=0");
        assertThat(locked.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(locked.headers().firstValue("Retry-After")).isEmpty();

        assertThat(bearer("other-consumer").statusCode()).isEqualTo(200);

        clock.advance(Duration.ofSeconds(29));
        assertThat(bearer("sample-consumer").statusCode()).isEqualTo(403);
        // Calls during the lockout did not extend it.
        clock.advance(Duration.ofSeconds(1));
        assertThat(bearer("sample-consumer").statusCode()).isEqualTo(200);

        assertThat(idp.tokenCalls("twitter", "sample-consumer")).isEqualTo(13);
        assertThat(idp.statusCount("twitter", 403)).isEqualTo(2);
        assertThat(idp.statusCount("twitter", 200)).isEqualTo(12);
    }

    @Test
    void windowSlides() {
        for (int i = 0; i < 10; i++) {
            bearer("sample-consumer");
            clock.advance(Duration.ofSeconds(6));
        }
        // The first call is now 60 s old and out of the window.
        assertThat(bearer("sample-consumer").statusCode()).isEqualTo(200);
        assertThat(bearer("sample-consumer").statusCode()).isEqualTo(403);
    }

    @Test
    void lockTwitterForLocksEveryConsumer() {
        idp.lockTwitterFor(Duration.ofSeconds(5));
        assertThat(bearer("sample-consumer").statusCode()).isEqualTo(403);
        assertThat(bearer("other-consumer").statusCode()).isEqualTo(403);
        clock.advance(Duration.ofSeconds(5));
        assertThat(bearer("sample-consumer").statusCode()).isEqualTo(200);
    }

    @Test
    void aLockFromTheNextCallStartsAtThatCallHoweverLateItComes() {
        idp.lockTwitterFromNextCallFor(Duration.ofSeconds(5));
        clock.advance(Duration.ofMinutes(10));
        assertThat(bearer("sample-consumer").statusCode()).isEqualTo(403);
        clock.advance(Duration.ofSeconds(4));
        assertThat(bearer("sample-consumer").statusCode()).isEqualTo(403);
        clock.advance(Duration.ofSeconds(1));
        assertThat(bearer("sample-consumer").statusCode()).isEqualTo(200);
    }

    @Test
    void wrongSecretLooksTheSameAsTheLockout() {
        HttpResponse<String> r = bearer("sample-consumer", "nope");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).isEqualTo(SEED_403);
    }

    @Test
    void missingGrantType() {
        HttpResponse<String> r = Http.post(idp.baseUrl() + "/oauth2/token", FORM, "grant=x",
                "Authorization", Http.basic("sample-consumer", "sample-consumer-secret"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"code\":170").contains("forbidden_missing_parameter");
    }

    @Test
    void resetClearsCountersAndLockoutButKeepsTokens() {
        String token = JsonParser.parseFlatObject(bearer("sample-consumer").body()).get("access_token");
        idp.lockTwitterFor(Duration.ofHours(1));
        idp.reset();
        assertThat(idp.tokenCalls("twitter")).isZero();
        assertThat(bearer("sample-consumer").statusCode()).isEqualTo(200);
        assertThat(Eloqua.data(idp, token).statusCode()).isEqualTo(200);
    }
}
