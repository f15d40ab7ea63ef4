package io.tokenguard.agent.guard;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tokenguard.bootstrap.TokenHttpRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads grant, client and user out of a token request: form-encoded and JSON bodies (Eloqua's
 * password grant is JSON) are both first-class, client auth by Basic header or body parameters.
 */
final class TokenRequestParser {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private TokenRequestParser() {
    }

    static TokenRequest parse(TokenHttpRequest request) {
        String rawQuery = request.url().getQuery();
        Map<String, List<String>> query = rawQuery == null ? java.util.Collections.emptyMap() : new LinkedHashMap<>();
        if (rawQuery != null) {
            parseForm(rawQuery, query);
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        TokenRequest.BodyKind kind = TokenRequest.BodyKind.EMPTY;
        byte[] body = request.body();
        if (body.length > 0) {
            if (looksLikeJson(request, body)) {
                kind = parseJson(body, params) ? TokenRequest.BodyKind.JSON : TokenRequest.BodyKind.RAW;
            } else if (mayBeForm(request)) {
                kind = parseForm(new String(body, StandardCharsets.ISO_8859_1), params)
                        ? TokenRequest.BodyKind.FORM : TokenRequest.BodyKind.RAW;
            } else {
                // multipart/form-data and the like: a server reads their values literally, so
                // only the very same bytes may share (the form decoding would equate p+ss and p ss).
                kind = TokenRequest.BodyKind.RAW;
                params.clear();
            }
        }
        String[] basic = basicCredentials(request.headers().first("Authorization"));
        return new TokenRequest(basic == null ? null : basic[0], query, params, kind);
    }

    /** A urlencoded form, or no Content-Type at all (what RFC 6749 token requests are). */
    private static boolean mayBeForm(TokenHttpRequest request) {
        String type = request.headers().first("Content-Type");
        return type == null || type.trim().isEmpty()
                || type.toLowerCase(java.util.Locale.ROOT).contains("application/x-www-form-urlencoded");
    }

    private static boolean looksLikeJson(TokenHttpRequest request, byte[] body) {
        String type = request.headers().first("Content-Type");
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).contains("json")) {
            return true;
        }
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '{';
            }
        }
        return false;
    }

    /** Flat JSON object: scalar values as text, nested values as their JSON text; each tagged with its JSON type. */
    private static boolean parseJson(byte[] body, Map<String, List<String>> params) {
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                String text;
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    text = TokenRequest.NESTED + nestedText(p, body);
                } else if (value == JsonToken.VALUE_NULL) {
                    text = TokenRequest.NULL + "null";
                } else if (value == JsonToken.VALUE_STRING) {
                    text = TokenRequest.STRING + p.getText();
                } else if (value.isBoolean()) {
                    text = TokenRequest.BOOLEAN + p.getText();
                } else {
                    text = TokenRequest.NUMBER + p.getText();
                }
                params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(text);
            }
            return t == JsonToken.END_OBJECT && p.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A nested object or array as its exact bytes (one char per byte): re-serialising it would make
     * 0.1 and 0.10000000000000000001 one value.
     */
    private static String nestedText(JsonParser p, byte[] body) throws IOException {
        long start = p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        long end = p.currentLocation().getByteOffset();
        if (start < 0 || end < start || end > body.length) {
            throw new IOException("no byte offsets");
        }
        return new String(body, (int) start, (int) (end - start), StandardCharsets.ISO_8859_1);
    }

    /** application/x-www-form-urlencoded; false when a percent escape is malformed. */
    private static boolean parseForm(String text, Map<String, List<String>> params) {
        boolean ok = true;
        int start = 0;
        while (start <= text.length()) {
            int amp = text.indexOf('&', start);
            int end = amp < 0 ? text.length() : amp;
            if (end > start) {
                int eq = text.indexOf('=', start);
                byte[] name;
                byte[] value;
                if (eq < 0 || eq > end) {
                    name = decodeBytes(text, start, end);
                    value = new byte[0];
                } else {
                    name = decodeBytes(text, start, eq);
                    value = decodeBytes(text, eq + 1, end);
                }
                if (name == null || value == null) {
                    ok = false;
                } else {
                    String n = utf8(name);
                    String v = utf8(value);
                    if (n == null || v == null) {
                        // Not UTF-8: the raw body identifies the request; the Latin-1 reading (lossless,
                        // one char per byte) still tells users apart for the throttle.
                        ok = false;
                        n = n == null ? new String(name, StandardCharsets.ISO_8859_1) : n;
                        v = v == null ? new String(value, StandardCharsets.ISO_8859_1) : v;
                    }
                    params.computeIfAbsent(n, k -> new ArrayList<>(1)).add(v);
                }
            }
            if (amp < 0) {
                break;
            }
            start = amp + 1;
        }
        return ok;
    }

    /** Percent-decoding as UTF-8 with '+' as space; null if malformed or not UTF-8. */
    private static String decode(String s, int from, int to) {
        byte[] bytes = decodeBytes(s, from, to);
        return bytes == null ? null : utf8(bytes);
    }

    /** Percent-decoding with '+' as space, to bytes; null if an escape is malformed. */
    private static byte[] decodeBytes(String s, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '+') {
                out.write(' ');
            } else if (c == '%') {
                if (i + 2 >= to) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    /**
     * Strict UTF-8, null when the bytes are not: a lenient decoder would turn %FF and %FE both into
     * U+FFFD, and two different secrets into one.
     */
    private static String utf8(byte[] bytes) {
        boolean ascii = true;
        for (byte b : bytes) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            // Always valid UTF-8, and decoded without building a decoder (a cache hit decodes every parameter).
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** [user, password] of a Basic header, or null. The values are URL-decoded per RFC 6749 §2.3.1. */
    static String[] basicCredentials(String authorization) {
        if (authorization == null || authorization.length() < 6
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            String user = decode(decoded, 0, colon);
            return new String[] {user == null ? decoded.substring(0, colon) : user, decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
