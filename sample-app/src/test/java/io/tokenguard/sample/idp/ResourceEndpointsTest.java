package io.tokenguard.sample.idp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.sample.json.JsonParser;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ResourceEndpointsTest {
    private static EmulatedIdp idp;

    @BeforeAll
    static void start() {
        idp = EmulatedIdp.start(IdpOptions.defaults().withClock(new ManualClock()));
    }

    @AfterAll
    static void stop() {
        idp.close();
    }

    @Test
    void baseUrlIsIpv4Loopback() {
        assertThat(idp.baseUrl()).isEqualTo("http://127.0.0.1:" + idp.port());
    }

    @Test
    void dataRejectsMissingAndUnknownTokens() {
        int before = idp.apiCalls();
        assertThat(Http.get(idp.baseUrl() + "/api/data").statusCode()).isEqualTo(401);
        HttpResponse<String> unknown = Eloqua.data(idp, "not-a-token");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.body()).isEqualTo("{\"error\":\"invalid_token\"}");
        assertThat(idp.apiCalls()).isEqualTo(before + 2);
    }

    @Test
    void echoGet() {
        HttpResponse<String> r = Http.get(idp.baseUrl() + "/api/echo?x=1&y=%20");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("GET /api/echo?x=1&y=%20\n");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain;charset=UTF-8");
        assertThat(r.headers().firstValue("X-Echo-Method")).hasValue("GET");
        assertThat(r.headers().allValues("X-Multi")).containsExactly("a", "b");
    }

    @Test
    void echoPost() {
        HttpResponse<String> r = Http.post(idp.baseUrl() + "/api/echo", "text/plain", "héllo\nworld");
        assertThat(r.body()).isEqualTo("POST /api/echo\nhéllo\nworld");
        assertThat(r.headers().firstValue("X-Echo-Method")).hasValue("POST");
    }

    @Test
    void errorPages() {
        HttpResponse<String> missing = Http.get(idp.baseUrl() + "/api/missing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"error\":\"not_found\"}");
        HttpResponse<String> teapot = Http.get(idp.baseUrl() + "/api/teapot");
        assertThat(teapot.statusCode()).isEqualTo(418);
        assertThat(teapot.body()).isNotEmpty();
        assertThat(Http.get(idp.baseUrl() + "/api/data/extra").statusCode()).isEqualTo(404);
    }

    @Test
    @SuppressWarnings("unchecked")
    void statsShowCounters() {
        Eloqua.password(idp, "carol", "carol-pw");
        HttpResponse<String> r = Http.get(idp.baseUrl() + "/admin/stats");
        Map<String, Object> stats = (Map<String, Object>) JsonParser.parse(r.body());
        Map<String, Object> eloqua = (Map<String, Object>) ((Map<String, Object>) stats.get("providers")).get("eloqua");
        assertThat(((Map<String, Object>) eloqua.get("identities")).get("carol")).isEqualTo(1L);
        assertThat(eloqua.get("calls")).isEqualTo((long) idp.tokenCalls("eloqua"));
        assertThat(stats).containsKey("apiCalls");
        assertThat(((Map<String, Object>) stats.get("providers"))).containsKey("twitter");
    }
}
