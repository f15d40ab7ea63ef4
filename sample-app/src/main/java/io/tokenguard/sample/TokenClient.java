package io.tokenguard.sample;

import io.tokenguard.sample.json.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Asks for a brand-new token every time: the carelessness TokenGuard exists to absorb. */
final class TokenClient {
    private final String baseUrl;
    private final String eloquaPath;
    private final String twitterPath;

    TokenClient(String baseUrl, String eloquaPath, String twitterPath) {
        this.baseUrl = baseUrl;
        this.eloquaPath = eloquaPath;
        this.twitterPath = twitterPath;
    }

    /** Password grant with the JSON body from Eloqua's own documentation. */
    HttpCall.Response eloqua(String user, String password) throws IOException {
        return eloqua(user, password, "full");
    }

    /** The same with another scope (--fresh-scope: one no other request asked for, so no two share an answer). */
    HttpCall.Response eloqua(String user, String password, String scope) throws IOException {
        String body = "{\"grant_type\":\"password\",\"scope\":" + Json.quote(scope) + ",\"username\":"
                + Json.quote(Credentials.ELOQUA_SITE + "\\" + user) + ",\"password\":" + Json.quote(password) + "}";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", Credentials.basic(Credentials.ELOQUA_CLIENT_ID, Credentials.ELOQUA_CLIENT_SECRET));
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json");
        return HttpCall.post(baseUrl + eloquaPath, headers, body);
    }

    /** Twitter's application-only authentication request. */
    HttpCall.Response twitter(String consumerKey) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", Credentials.basic(consumerKey, Credentials.consumerSecret(consumerKey)));
        headers.put("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8");
        return HttpCall.post(baseUrl + twitterPath, headers, "grant_type=client_credentials");
    }

    /** A service account's jwt-bearer grant, posted to its key file's token_uri as google-auth-library does. */
    HttpCall.Response google(ServiceAccountKey key) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        return HttpCall.post(key.tokenUri, headers, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
                + "&assertion=" + key.assertion());
    }

    /** Entra's client-credentials grant with a certificate credential, as MSAL posts it. */
    HttpCall.Response entra(CertificateCredential credential) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        return HttpCall.post(credential.tokenUri, headers, "client_id=" + credential.clientId
                + "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&grant_type=client_credentials"
                + "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
                + "&client_assertion=" + credential.assertion());
    }

    /** A client-credentials grant bound to this DPoP key, a fresh proof each time. */
    HttpCall.Response dpop(DpopKey key) throws IOException {
        String url = baseUrl + "/dpop/token";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", Credentials.basic(Credentials.ELOQUA_CLIENT_ID, Credentials.ELOQUA_CLIENT_SECRET));
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        headers.put("DPoP", key.proof("POST", url));
        return HttpCall.post(url, headers, "grant_type=client_credentials");
    }

    HttpCall.Response data(String accessToken) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + accessToken);
        return HttpCall.get(baseUrl + "/api/data", headers);
    }
}
