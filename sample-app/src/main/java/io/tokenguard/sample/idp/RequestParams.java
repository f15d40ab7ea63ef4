package io.tokenguard.sample.idp;

import io.tokenguard.sample.json.JsonParser;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Token request parameters from either a JSON body (Eloqua's documented style) or a form body. */
final class RequestParams {
    private RequestParams() {
    }

    /** Throws IllegalArgumentException when the body cannot be read as the declared type. */
    static Map<String, String> of(IdpRequest request) {
        String type = request.header("Content-Type");
        String body = request.bodyText();
        if (type != null && type.toLowerCase(Locale.ROOT).contains("json")) {
            return body.isBlank() ? Map.of() : JsonParser.parseFlatObject(body);
        }
        return form(body);
    }

    static Map<String, String> form(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return params;
        }
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            // First value wins, like most servlet containers' getParameter.
            params.putIfAbsent(decode(key), decode(value));
        }
        return params;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
