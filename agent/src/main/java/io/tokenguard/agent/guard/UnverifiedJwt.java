package io.tokenguard.agent.guard;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The few claims of a compact JWT (header.payload.signature) TokenGuard reads without verifying
 * it: whom an assertion names ({@code iss}, {@code sub}), whether it is one-time ({@code jti}), and
 * when an access token expires ({@code exp}). Never a reason to trust anything: only to tell
 * requests apart more finely, or to share them less.
 */
final class UnverifiedJwt {
    /** Duplicates are not ours to judge here: the first value is read. */
    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** Every value a parser might read (duplicates: the first for some parsers, the last for others). */
    final List<String> issuers;
    final List<String> subs;
    final String jti;
    /** Seconds since the epoch, or Long.MIN_VALUE when absent or not a number. */
    final long exp;

    private UnverifiedJwt(List<String> issuers, List<String> subs, String jti, long exp) {
        this.issuers = issuers;
        this.subs = subs;
        this.jti = jti;
        this.exp = exp;
    }

    /** The claims, or null when the text is not a JWT whose payload is a JSON object. */
    static UnverifiedJwt read(String token) {
        if (token == null) {
            return null;
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0) {
            return null;
        }
        List<String> issuers = new ArrayList<>(1);
        List<String> subs = new ArrayList<>(1);
        String jti = null;
        long exp = Long.MIN_VALUE;
        try (JsonParser p = JSON.createParser(Base64.getUrlDecoder().decode(token.substring(first + 1, second)))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_STRING && "iss".equals(name)) {
                    issuers.add(p.getText());
                } else if (v == JsonToken.VALUE_STRING && "sub".equals(name)) {
                    subs.add(p.getText());
                } else if ("jti".equals(name) && v != JsonToken.VALUE_NULL && jti == null) {
                    jti = v.isScalarValue() ? p.getText() : "";
                    p.skipChildren();
                } else if ("exp".equals(name) && v.isNumeric() && exp == Long.MIN_VALUE) {
                    exp = p.getLongValue();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return new UnverifiedJwt(issuers, subs, jti, exp);
    }
}
