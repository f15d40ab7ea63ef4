package io.tokenguard.agent.guard;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Decides whether an upstream answer may be cached (and for how long) or means "back off".
 * Errors are never cached as successes: only a 2xx whose body carries an access_token and no error.
 * Anything ambiguous is not cached either: a body an app could read two ways (duplicate keys,
 * trailing garbage, invalid UTF-8) or a lifetime we cannot read; such answers still reach the app
 * untouched, they just are not shared.
 */
final class ResponseClassifier {
    /** Duplicate keys fail the parse: {"expires_in":0,"expires_in":3600} means what the app's parser says. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final long refreshSkewNanos;
    private final int maxBodyBytes;

    /**
     * @param maxBodyBytes larger answers are never cached: the cache's memory stays within
     *                     max-entries times this (a token answer is a few KiB at most)
     */
    ResponseClassifier(Duration refreshSkew, int maxBodyBytes) {
        this.refreshSkewNanos = refreshSkew.toNanos();
        this.maxBodyBytes = maxBodyBytes;
    }

    ResponseVerdict classify(EndpointRule rule, TokenHttpResponse response, long wallClockMillis) {
        int status = response.status();
        if (response.truncated()) {
            // A prefix of the answer: nothing about it can be vouched for, not even a lockout code;
            // and a cooldown would replay the prefix as if it were the provider's whole answer.
            return ResponseVerdict.other();
        }
        if (status == 429) {
            return ResponseVerdict.backOff(ResponseVerdict.Kind.RATE_LIMITED, retryAfterNanos(response, wallClockMillis));
        }
        TokenBody body = TokenBody.read(response.body(), contentType(response));
        if (rule.lockoutStatus() != 0 && status == rule.lockoutStatus()
                && (rule.lockoutErrorCode() == null || body.hasErrorCode(rule.lockoutErrorCode()))) {
            return ResponseVerdict.backOff(ResponseVerdict.Kind.LOCKOUT, retryAfterNanos(response, wallClockMillis));
        }
        if (status < 200 || status > 299 || body.accessToken == null || body.hasError()
                || response.body().length > maxBodyBytes || body.expiresInNanos == TokenBody.UNREADABLE) {
            return ResponseVerdict.other();
        }
        long lifetime = body.expiresInNanos;
        if (lifetime == TokenBody.ABSENT) {
            lifetime = jwtLifetimeNanos(body.accessToken, wallClockMillis);
        }
        if (lifetime < 0) {
            return ResponseVerdict.cacheable(rule.defaultTtl().toNanos());
        }
        if (lifetime == 0) {
            return ResponseVerdict.other();
        }
        // Refresh early, but never keep less than a tenth of the lifetime.
        long ttl = Math.max(lifetime - refreshSkewNanos, lifetime / 10);
        return ttl > 0 ? ResponseVerdict.cacheable(ttl, body.expiresInOffset, body.expiresInLength,
                body.expiresInSeconds) : ResponseVerdict.other();
    }

    private static String contentType(TokenHttpResponse response) {
        String type = response.headers().first("Content-Type");
        return type == null ? "" : type.toLowerCase(Locale.ROOT);
    }

    /** Retry-After as delta-seconds or HTTP-date; -1 when absent or unreadable. */
    static long retryAfterNanos(TokenHttpResponse response, long wallClockMillis) {
        String value = response.headers().first("Retry-After");
        if (value == null || value.trim().isEmpty()) {
            return -1;
        }
        value = value.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? -1 : TimeUnit.SECONDS.toNanos(Math.min(seconds, TimeUnit.DAYS.toSeconds(1)));
        } catch (NumberFormatException notSeconds) {
            try {
                long at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return TimeUnit.MILLISECONDS.toNanos(Math.max(0, Math.min(at - wallClockMillis, TimeUnit.DAYS.toMillis(1))));
            } catch (RuntimeException notDate) {
                return -1;
            }
        }
    }

    /** exp - now of a JWT access token, -1 when the token is not a JWT with a numeric exp. */
    private static long jwtLifetimeNanos(String token, long wallClockMillis) {
        UnverifiedJwt jwt = UnverifiedJwt.read(token);
        if (jwt == null || jwt.exp == Long.MIN_VALUE) {
            return -1;
        }
        long left = TimeUnit.SECONDS.toMillis(jwt.exp) - wallClockMillis;
        return left <= 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(left);
    }

    /** The few fields of a token endpoint's JSON (or legacy form-encoded) answer that matter here. */
    static final class TokenBody {
        /** expires_in not sent (or null): the JWT exp or the rule's default TTL applies. */
        static final long ABSENT = -1;
        /** expires_in sent but not a finite number of seconds >= 0: the answer is not cached. */
        static final long UNREADABLE = -2;

        String accessToken;
        long expiresInNanos = ABSENT;
        /** Where expires_in's digits stand in the body, for a later serve to say what is left; -1 when they cannot be rewritten. */
        int expiresInOffset = -1;
        int expiresInLength;
        double expiresInSeconds;
        String error;
        final java.util.List<String> errorCodes = new java.util.ArrayList<>(1);

        boolean hasError() {
            return error != null || !errorCodes.isEmpty();
        }

        boolean hasErrorCode(String code) {
            return code.equals(error) || errorCodes.contains(code);
        }

        static TokenBody read(byte[] body, String contentType) {
            TokenBody b = new TokenBody();
            if (body.length == 0) {
                return b;
            }
            if (!isUtf8(body)) {
                // JSON is UTF-8 (RFC 8259 §8.1); anything else could read differently in the app.
                return b;
            }
            if (contentType.contains("x-www-form-urlencoded")) {
                b.readForm(body, new String(body, StandardCharsets.UTF_8));
            } else {
                b.readJson(body);
            }
            return b;
        }

        /** Remembers where the digits are when the body holds exactly this ASCII text there. */
        private void locate(byte[] body, int offset, String digits) {
            expiresInOffset = -1;
            if (offset < 0 || offset + digits.length() > body.length || digits.isEmpty()) {
                return;
            }
            for (int i = 0; i < digits.length(); i++) {
                char c = digits.charAt(i);
                if (body[offset + i] != c || !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+'
                        || c == '-')) {
                    return;
                }
            }
            expiresInOffset = offset;
            expiresInLength = digits.length();
            expiresInSeconds = Double.parseDouble(digits);
        }

        private static boolean isUtf8(byte[] body) {
            try {
                StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body));
                return true;
            } catch (CharacterCodingException e) {
                return false;
            }
        }

        private void readJson(byte[] body) {
            try (JsonParser p = JSON.createParser(body)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if ("access_token".equals(name) && v == JsonToken.VALUE_STRING && !p.getText().isEmpty()) {
                        accessToken = p.getText();
                    } else if ("expires_in".equals(name)) {
                        expiresInNanos = v == JsonToken.VALUE_NULL ? ABSENT
                                : v == JsonToken.VALUE_STRING || v.isNumeric() ? expiresIn(p.getText()) : UNREADABLE;
                        if (expiresInNanos >= 0) {
                            long at = p.currentTokenLocation().getByteOffset();
                            locate(body, at < 0 ? -1 : (int) at + (v == JsonToken.VALUE_STRING ? 1 : 0), p.getText());
                        }
                        p.skipChildren();
                    } else if ("error".equals(name) && v.isScalarValue() && v != JsonToken.VALUE_NULL) {
                        error = p.getText();
                    } else if ("errors".equals(name) && v == JsonToken.START_ARRAY) {
                        readErrors(p);
                    } else if (("error".equals(name) || "errors".equals(name)) && v != JsonToken.VALUE_NULL) {
                        // An error object (or an errors object) in a 2xx is still an error.
                        error = "";
                        p.skipChildren();
                    } else {
                        p.skipChildren();
                    }
                }
                if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                    // Trailing content after the object: not an answer we can vouch for.
                    accessToken = null;
                }
            } catch (IOException | RuntimeException e) {
                // Not JSON we understand: no access token, so not cacheable.
                accessToken = null;
            }
        }

        private void readErrors(JsonParser p) throws IOException {
            while (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if ("code".equals(name) && v.isScalarValue()) {
                        errorCodes.add(p.getText());
                    } else {
                        p.skipChildren();
                    }
                }
            }
            if (errorCodes.isEmpty()) {
                errorCodes.add("");
            }
        }

        private void readForm(byte[] body, String text) {
            java.util.Set<String> seen = new java.util.HashSet<>(4);
            int start = 0;
            while (start <= text.length()) {
                int amp = text.indexOf('&', start);
                int end = amp < 0 ? text.length() : amp;
                String pair = text.substring(start, end);
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                if (!seen.add(name) && ("access_token".equals(name) || "expires_in".equals(name))) {
                    // Said twice: which one the app believes is up to its parser, so do not cache.
                    error = "";
                } else if ("access_token".equals(name) && !value.isEmpty()) {
                    accessToken = value;
                } else if ("expires_in".equals(name)) {
                    expiresInNanos = expiresIn(value);
                    if (expiresInNanos >= 0) {
                        // Offsets are in bytes: count the UTF-8 bytes of what comes before.
                        int at = text.substring(0, start + eq + 1).getBytes(StandardCharsets.UTF_8).length;
                        locate(body, at, value);
                    }
                } else if ("error".equals(name)) {
                    error = value;
                }
                if (amp < 0) {
                    break;
                }
                start = amp + 1;
            }
        }

        /**
         * Seconds as integer, decimal or numeric string, at most 366 days; anything else (negative,
         * not a number, infinite) is {@link #UNREADABLE}: the provider said something we cannot honour.
         */
        private static long expiresIn(String text) {
            try {
                double seconds = Double.parseDouble(text.trim());
                if (Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds < 0) {
                    return UNREADABLE;
                }
                return (long) Math.min(seconds * 1e9, (double) TimeUnit.DAYS.toNanos(366));
            } catch (NumberFormatException e) {
                return UNREADABLE;
            }
        }
    }
}
