package io.tokenguard.sample.idp;

import java.nio.charset.StandardCharsets;

/**
 * {@code /api/echo}: a non-token endpoint with a repeated header, so tests can check that an
 * agent leaves ordinary HttpURLConnection traffic byte-for-byte untouched.
 */
final class EchoEndpoint implements Endpoint {
    @Override
    public IdpReply handle(IdpRequest request) {
        String target = request.path() + (request.rawQuery() == null ? "" : "?" + request.rawQuery());
        String body = request.method() + " " + target + "\n" + new String(request.body(), StandardCharsets.UTF_8);
        return IdpReply.of(200, "text/plain;charset=UTF-8", body)
                .header("X-Echo-Method", request.method())
                .header("X-Multi", "a")
                .header("X-Multi", "b");
    }
}
