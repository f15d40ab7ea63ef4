package io.tokenguard.sample.idp;

import io.tokenguard.sample.json.JsonParser;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;

/**
 * A compact JWS as the emulated providers read one: three base64url parts, a JSON object header (its
 * members may nest: jwk, x5c), flat claims. Null for anything else; signatures are checked by the caller's
 * rule (which key, which algorithm), with {@link #verifies}.
 */
final class CompactJwt {
    final Map<?, ?> header;
    final Map<String, String> claims;
    private final byte[] signingInput;
    private final byte[] signature;

    private CompactJwt(Map<?, ?> header, Map<String, String> claims, byte[] signingInput, byte[] signature) {
        this.header = header;
        this.claims = claims;
        this.signingInput = signingInput;
        this.signature = signature;
    }

    static CompactJwt read(String jwt) {
        if (jwt == null) {
            return null;
        }
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        try {
            Base64.Decoder d = Base64.getUrlDecoder();
            Object header = JsonParser.parse(new String(d.decode(parts[0]), StandardCharsets.UTF_8));
            if (!(header instanceof Map)) {
                return null;
            }
            Map<String, String> claims = JsonParser.parseFlatObject(new String(d.decode(parts[1]),
                    StandardCharsets.UTF_8));
            return new CompactJwt((Map<?, ?>) header, claims,
                    (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), d.decode(parts[2]));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The header member as text, or null. */
    String headerText(String name) {
        Object v = header.get(name);
        return v instanceof String ? (String) v : null;
    }

    /** A numeric claim, or -1 when it is missing or not a whole number. */
    long number(String name) {
        try {
            return Long.parseLong(claims.get(name));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether the signature verifies under the key with this JCA signature (already configured, if it needs). */
    boolean verifies(Signature s, PublicKey key) {
        try {
            s.initVerify(key);
            s.update(signingInput);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
