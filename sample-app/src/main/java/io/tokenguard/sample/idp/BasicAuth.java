package io.tokenguard.sample.idp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A decoded {@code Authorization: Basic} header. */
final class BasicAuth {
    private final String id;
    private final String secret;

    private BasicAuth(String id, String secret) {
        this.id = id;
        this.secret = secret;
    }

    /** Returns null when the header is missing or not valid Basic credentials. */
    static BasicAuth parse(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        return new BasicAuth(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    String id() {
        return id;
    }

    String secret() {
        return secret;
    }
}
