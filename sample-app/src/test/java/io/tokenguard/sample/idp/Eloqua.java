package io.tokenguard.sample.idp;

import io.tokenguard.sample.json.JsonParser;
import java.net.http.HttpResponse;
import java.util.Map;

/** Eloqua-shaped requests against an EmulatedIdp. */
final class Eloqua {
    static final String CLIENT_AUTH = Http.basic("sample-app-client", "sample-app-secret");

    private Eloqua() {
    }

    static String passwordJson(String user, String password) {
        return "{\"grant_type\":\"password\",\"scope\":\"full\",\"username\":\"SampleCo\\\\" + user
                + "\",\"password\":\"" + password + "\"}";
    }

    static HttpResponse<String> password(EmulatedIdp idp, String user, String password) {
        return Http.post(idp.baseUrl() + "/auth/oauth2/token", "application/json", passwordJson(user, password),
                "Authorization", CLIENT_AUTH);
    }

    static HttpResponse<String> refresh(EmulatedIdp idp, String refreshToken) {
        return Http.post(idp.baseUrl() + "/auth/oauth2/token", "application/x-www-form-urlencoded",
                "grant_type=refresh_token&refresh_token=" + refreshToken, "Authorization", CLIENT_AUTH);
    }

    static HttpResponse<String> data(EmulatedIdp idp, String accessToken) {
        return Http.get(idp.baseUrl() + "/api/data", "Authorization", "Bearer " + accessToken);
    }

    static Map<String, String> fields(HttpResponse<String> response) {
        return JsonParser.parseFlatObject(response.body());
    }
}
