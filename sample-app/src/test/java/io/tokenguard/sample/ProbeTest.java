package io.tokenguard.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.sample.idp.EmulatedIdp;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProbeTest {
    private static EmulatedIdp idp;

    @BeforeAll
    static void start() {
        idp = EmulatedIdp.start();
    }

    @AfterAll
    static void stop() {
        idp.close();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void dumpsASuccessfulPost() {
        AppRun run = AppRun.of("--probe", idp.baseUrl() + "/api/echo?a=1", "--method", "POST", "--body", "hi");

        assertThat(run.exitCode).isZero();
        assertThat(run.out).contains("responseCode: 200\n")
                .contains("headerField0: \"HTTP/1.1 200 OK\"\n")
                .containsIgnoringCase("header: \"X-multi\" [")
                .contains("X-Multi: \"b\"\n")
                .contains("contentType: \"text/plain;charset=UTF-8\"\n")
                .contains("inputStream: base64 " + b64("POST /api/echo?a=1\nhi") + "\n")
                .contains("errorStream: null\n")
                .doesNotContainIgnoringCase("\"Date\"");
    }

    @Test
    void dumpsAnErrorAnswer() {
        AppRun run = AppRun.of("--probe", idp.baseUrl() + "/api/missing");

        assertThat(run.out).contains("responseCode: 404\n")
                .contains("inputStream: exception java.io.FileNotFoundException: ")
                .contains("errorStream: base64 " + b64("{\"error\":\"not_found\"}") + "\n");
    }

    @Test
    void sameRequestSameDump() {
        String url = idp.baseUrl() + "/api/teapot";
        assertThat(AppRun.of("--probe", url).out).isEqualTo(AppRun.of("--probe", url).out);
    }
}
