package io.tokenguard.agent.guard;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.io.IOException;
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
 */
final class ResponseClassifier {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final long refreshSkewNanos;

    ResponseClassifier(Duration refreshSkew) {
        this.refreshSkewNanos = refreshSkew.toNanos();
    }

    ResponseVerdict classify(EndpointRule rule, TokenHttpResponse response, long wallClockMillis) {
        int status = response.status();
        if (status == 429) {
            return ResponseVerdict.backOff(ResponseVerdict.Kind.RATE_LIMITED, retryAfterNanos(response, wallClockMillis));
        }
        TokenBody body = TokenBody.read(response.body(), contentType(response));
        if (rule.lockoutStatus() != 0 && status == rule.lockoutStatus()
                && (rule.lockoutErrorCode() == null || body.hasErrorCode(rule.lockoutErrorCode()))) {
            return ResponseVerdict.backOff(ResponseVerdict.Kind.LOCKOUT, retryAfterNanos(response, wallClockMillis));
        }
        if (status < 200 || status > 299 || body.accessToken == null || body.hasError()) {
            return ResponseVerdict.other();
        }
        long lifetime = body.expiresInNanos;
        if (lifetime < 0) {
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
        return ttl > 0 ? ResponseVerdict.cacheable(ttl) : ResponseVerdict.other();
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
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0) {
            return -1;
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(token.substring(first + 1, second));
            try (JsonParser p = JSON.createParser(payload)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return -1;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if ("exp".equals(name) && v.isNumeric()) {
                        long left = TimeUnit.SECONDS.toMillis(p.getLongValue()) - wallClockMillis;
                        return left <= 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(left);
                    }
                    p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The few fields of a token endpoint's JSON (or legacy form-encoded) answer that matter here. */
    static final class TokenBody {
        String accessToken;
        long expiresInNanos = -1;
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
            if (contentType.contains("x-www-form-urlencoded")) {
                b.readForm(new String(body, StandardCharsets.UTF_8));
            } else {
                b.readJson(body);
            }
            return b;
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
                        expiresInNanos = expiresIn(v == JsonToken.VALUE_STRING || v.isNumeric() ? p.getText() : null);
                    } else if ("error".equals(name) && v.isScalarValue() && v != JsonToken.VALUE_NULL) {
                        error = p.getText();
                    } else if ("errors".equals(name) && v == JsonToken.START_ARRAY) {
                        readErrors(p);
                    } else {
                        p.skipChildren();
                    }
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

        private void readForm(String text) {
            for (String pair : text.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                if ("access_token".equals(name) && !value.isEmpty()) {
                    accessToken = value;
                } else if ("expires_in".equals(name)) {
                    expiresInNanos = expiresIn(value);
                } else if ("error".equals(name)) {
                    error = value;
                }
            }
        }

        /** Seconds as integer, decimal or numeric string; unusable values count as "not said". */
        private static long expiresIn(String text) {
            if (text == null) {
                return -1;
            }
            try {
                double seconds = Double.parseDouble(text.trim());
                if (Double.isNaN(seconds) || seconds < 0) {
                    return -1;
                }
                return (long) Math.min(seconds * 1e9, (double) TimeUnit.DAYS.toNanos(366));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
