package io.tokenguard.sample.idp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EloquaTokenEndpointTest {
    private static final String SEED_429 = "{\"error\":\"too_many_requests\",\"error_description\":"
            + "\"This user has already authorized this app within the allowed time frame of 60 seconds.\"}";

    private final ManualClock clock = new ManualClock();
    private final EmulatedIdp idp = EmulatedIdp.start(IdpOptions.defaults().withClock(clock));

    @AfterEach
    void stop() {
        idp.close();
    }

    @Test
    void passwordGrantIssuesEightHourBearerWithRefreshToken() {
        HttpResponse<String> r = Eloqua.password(idp, "alice", "alice-pw");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json;charset=UTF-8");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        Map<String, String> f = Eloqua.fields(r);
        assertThat(f).containsOnlyKeys("access_token", "token_type", "expires_in", "refresh_token");
        assertThat(f).containsEntry("token_type", "bearer").containsEntry("expires_in", "28800");
        assertThat(Eloqua.data(idp, f.get("access_token")).body())
                .isEqualTo("{\"user\":\"alice\",\"provider\":\"eloqua\"}");
    }

    @Test
    void secondInitiationWithinTheMinuteIsRefusedWithSeedAnswerAndOtherUsersAreNot() {
        assertThat(Eloqua.password(idp, "alice", "alice-pw").statusCode()).isEqualTo(200);

        HttpResponse<String> again = Eloqua.password(idp, "alice", "alice-pw");
        assertThat(again.statusCode()).isEqualTo(429);
        assertThat(again.headers().firstValue("Retry-After")).hasValue("60");
        assertThat(again.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(again.body()).isEqualTo(SEED_429);

        assertThat(Eloqua.password(idp, "bob", "bob-pw").statusCode()).isEqualTo(200);
        assertThat(idp.tokenCalls("eloqua")).isEqualTo(3);
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(2);
        assertThat(idp.tokenCalls("eloqua", "bob")).isEqualTo(1);
        assertThat(idp.statusCount("eloqua", 429)).isEqualTo(1);
        assertThat(idp.statusCount("eloqua", 200)).isEqualTo(2);
    }

    @Test
    void retryAfterCountsDownAndTheWindowReopens() {
        Eloqua.password(idp, "alice", "alice-pw");

        clock.advance(Duration.ofMillis(45_500));
        assertThat(Eloqua.password(idp, "alice", "alice-pw").headers().firstValue("Retry-After")).hasValue("15");
        clock.advance(Duration.ofMillis(14_400));
        assertThat(Eloqua.password(idp, "alice", "alice-pw").headers().firstValue("Retry-After")).hasValue("1");
        clock.advance(Duration.ofMillis(100));
        assertThat(Eloqua.password(idp, "alice", "alice-pw").statusCode()).isEqualTo(200);
    }

    @Test
    void wrongPasswordUsesUpTheInitiation() {
        HttpResponse<String> wrong = Eloqua.password(idp, "alice", "WRONG");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).isEqualTo(
                "{\"error\":\"invalid_grant\",\"error_description\":\"The user credentials were incorrect.\"}");

        assertThat(Eloqua.password(idp, "alice", "alice-pw").statusCode()).isEqualTo(429);
    }

    @Test
    void formBodyAndBareUsernameAreAccepted() {
        HttpResponse<String> r = Http.post(idp.baseUrl() + "/auth/oauth2/token",
                "application/x-www-form-urlencoded", "grant_type=password&username=carol&password=carol-pw",
                "Authorization", Eloqua.CLIENT_AUTH);
        assertThat(r.statusCode()).isEqualTo(200);
        // Same user whichever way the name is spelled, so the limit still applies.
        assertThat(Eloqua.password(idp, "carol", "carol-pw").statusCode()).isEqualTo(429);
        assertThat(idp.tokenCalls("eloqua", "carol")).isEqualTo(2);
    }

    @Test
    void unknownOrMissingClientIsRejected() {
        String url = idp.baseUrl() + "/auth/oauth2/token";
        String body = Eloqua.passwordJson("alice", "alice-pw");
        assertThat(Http.post(url, "application/json", body, "Authorization", Http.basic("sample-app-client", "x"))
                .statusCode()).isEqualTo(401);
        HttpResponse<String> missing = Http.post(url, "application/json", body);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).isEqualTo("{\"error\":\"invalid_client\"}");
        // A rejected client did not initiate anything.
        assertThat(Eloqua.password(idp, "alice", "alice-pw").statusCode()).isEqualTo(200);
    }

    @Test
    void otherGrantsAndMethodsAreRefused() {
        HttpResponse<String> grant = Http.post(idp.baseUrl() + "/auth/oauth2/token", "application/json",
                "{\"grant_type\":\"client_credentials\"}", "Authorization", Eloqua.CLIENT_AUTH);
        assertThat(grant.statusCode()).isEqualTo(400);
        assertThat(grant.body()).isEqualTo("{\"error\":\"unsupported_grant_type\"}");
        assertThat(Http.get(idp.baseUrl() + "/auth/oauth2/token").statusCode()).isEqualTo(405);
    }

    @Test
    void refreshIsNotLimitedAndRotates() {
        Map<String, String> first = Eloqua.fields(Eloqua.password(idp, "alice", "alice-pw"));
        String refresh = first.get("refresh_token");
        String access = first.get("access_token");
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = Eloqua.refresh(idp, refresh);
            assertThat(r.statusCode()).isEqualTo(200);
            Map<String, String> next = Eloqua.fields(r);
            assertThat(next.get("refresh_token")).isNotEqualTo(refresh);
            assertThat(next.get("access_token")).isNotEqualTo(access);
            refresh = next.get("refresh_token");
            access = next.get("access_token");
        }
        assertThat(Eloqua.data(idp, access).statusCode()).isEqualTo(200);
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(6);
        assertThat(idp.statusCount("eloqua", 429)).isZero();
    }

    @Test
    void reusingASpentRefreshTokenRevokesTheWholeFamily() {
        Map<String, String> first = Eloqua.fields(Eloqua.password(idp, "alice", "alice-pw"));
        Map<String, String> second = Eloqua.fields(Eloqua.refresh(idp, first.get("refresh_token")));

        HttpResponse<String> replay = Eloqua.refresh(idp, first.get("refresh_token"));
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).isEqualTo("{\"error\":\"invalid_grant\","
                + "\"error_description\":\"refresh token reuse detected; token family revoked\"}");

        assertThat(Eloqua.data(idp, first.get("access_token")).statusCode()).isEqualTo(401);
        assertThat(Eloqua.data(idp, second.get("access_token")).statusCode()).isEqualTo(401);
        assertThat(Eloqua.refresh(idp, second.get("refresh_token")).statusCode()).isEqualTo(400);
    }

    @Test
    void accessTokensExpireAfterEightHours() {
        String access = Eloqua.fields(Eloqua.password(idp, "bob", "bob-pw")).get("access_token");
        clock.advance(Duration.ofSeconds(28_799));
        assertThat(Eloqua.data(idp, access).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> expired = Eloqua.data(idp, access);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).isEqualTo("{\"error\":\"invalid_token\"}");
    }

    @Test
    void everySuccessIssuesANewAccessToken() {
        String a = Eloqua.fields(Eloqua.password(idp, "alice", "alice-pw")).get("access_token");
        clock.advance(Duration.ofSeconds(60));
        String b = Eloqua.fields(Eloqua.password(idp, "alice", "alice-pw")).get("access_token");
        assertThat(a).isNotEqualTo(b);
    }
}
