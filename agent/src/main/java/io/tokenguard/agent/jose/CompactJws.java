package io.tokenguard.agent.jose;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A compact JWS (header.payload.signature) read strictly enough to be verified: every part
 * unpadded base64url, header and payload JSON objects without duplicate members, no "crit"
 * extension (none is understood here, and RFC 7515 §4.1.11 says such a JWS must then be refused),
 * no nested JWT. Anything else is not read at all ({@link #parse} returns null): it stays exact
 * bytes, never an error for the app.
 */
final class CompactJws {
    /** An assertion or a proof is a few KiB; larger ones are not worth a parse (nor a hostile header's cost). */
    static final int MAX_CHARS = 16 * 1024;
    /** A certificate chain in x5c longer than this is not read. */
    private static final int MAX_X5C = 8;
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
            .build();

    final String alg;
    final String typ;
    /** The header's jwk members that are strings (kty, crv, n, e, x, y, ...); empty when there is no jwk. */
    final Map<String, String> jwk;
    final boolean hasJwk;
    /** The header's x5c certificates, DER; empty when there is none. */
    final List<byte[]> x5c;
    final String kid;
    /** Claims by name, each as a canonical text of its JSON value (type and text of every token). */
    final Map<String, String> claims;
    final byte[] signingInput;
    final byte[] signature;

    private CompactJws(Header h, Map<String, String> claims, byte[] signingInput, byte[] signature) {
        this.alg = h.alg;
        this.typ = h.typ;
        this.jwk = h.jwk;
        this.hasJwk = h.hasJwk;
        this.x5c = h.x5c;
        this.kid = h.kid;
        this.claims = claims;
        this.signingInput = signingInput;
        this.signature = signature;
    }

    /** The JWS, or null when it is not one this class reads (see the class comment). */
    static CompactJws parse(String text) {
        if (text == null || text.length() > MAX_CHARS) {
            return null;
        }
        int first = text.indexOf('.');
        int second = first < 0 ? -1 : text.indexOf('.', first + 1);
        if (first <= 0 || second < 0 || second == first + 1 || second == text.length() - 1
                || text.indexOf('.', second + 1) >= 0) {
            return null;
        }
        try {
            Header header = Header.read(decode(text, 0, first));
            if (header == null) {
                return null;
            }
            Map<String, String> claims = claims(decode(text, first + 1, second));
            if (claims == null) {
                return null;
            }
            byte[] signature = decode(text, second + 1, text.length());
            return new CompactJws(header, claims, text.substring(0, second).getBytes(StandardCharsets.US_ASCII),
                    signature);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Unpadded base64url only (RFC 7515 §2): '=' and the standard alphabet's '+' and '/' are refused. */
    private static byte[] decode(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                throw new IllegalArgumentException("not base64url");
            }
        }
        return Base64.getUrlDecoder().decode(text.substring(from, to));
    }

    /** The claim as a string, or null when absent or not a JSON string. */
    String stringClaim(String name) {
        String v = claims.get(name);
        if (v == null || !v.startsWith("s")) {
            return null;
        }
        int colon = v.indexOf(':');
        return v.substring(colon + 1, v.length() - 1);
    }

    /** The claim as whole seconds, or Long.MIN_VALUE when absent or not an integer. */
    long numericClaim(String name) {
        String v = claims.get(name);
        if (v == null || !v.startsWith("i") || v.indexOf('\u0000') != v.length() - 1) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(v.substring(1, v.length() - 1));
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    /**
     * Every top-level member, its value as the type and text of each of its tokens, each ended by NUL
     * (strings and names after their length): two payloads have equal maps only if they are the same
     * JSON, member order aside. Nested objects keep their order: written differently, they differ.
     */
    private static Map<String, String> claims(byte[] json) throws IOException {
        Map<String, String> claims = new TreeMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                StringBuilder value = new StringBuilder();
                p.nextToken();
                canonical(p, value);
                claims.put(name, value.toString());
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
        }
        return claims;
    }

    private static void canonical(JsonParser p, StringBuilder into) throws IOException {
        int depth = 0;
        do {
            JsonToken t = p.currentToken();
            switch (t) {
                case START_OBJECT: into.append('{'); depth++; break;
                case START_ARRAY: into.append('['); depth++; break;
                case END_OBJECT: into.append('}'); depth--; break;
                case END_ARRAY: into.append(']'); depth--; break;
                case FIELD_NAME: counted(into.append('f'), p.currentName()); break;
                case VALUE_STRING: counted(into.append('s'), p.getText()); break;
                case VALUE_NUMBER_INT: into.append('i').append(p.getText()); break;
                case VALUE_NUMBER_FLOAT: into.append('d').append(p.getText()); break;
                case VALUE_TRUE: into.append('t'); break;
                case VALUE_FALSE: into.append('b'); break;
                case VALUE_NULL: into.append('z'); break;
                default: throw new IOException("unexpected " + t);
            }
            into.append('\u0000');
        } while (depth > 0 && p.nextToken() != null);
    }

    /** Text after its length: a string holding NUL (JSON's \\u0000) cannot spell two tokens. */
    private static void counted(StringBuilder into, String text) {
        into.append(text.length()).append(':').append(text);
    }

    /** The protected header: only the members TokenGuard acts on are kept. */
    private static final class Header {
        String alg;
        String typ;
        String kid;
        Map<String, String> jwk = Collections.emptyMap();
        boolean hasJwk;
        List<byte[]> x5c = Collections.emptyList();

        static Header read(byte[] json) throws IOException {
            Header h = new Header();
            try (JsonParser p = JSON.createParser(json)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return null;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (name) {
                        case "alg": h.alg = text(p, v); break;
                        case "typ": h.typ = text(p, v); break;
                        case "kid": h.kid = text(p, v); break;
                        case "crit":
                            // No extension is understood here (RFC 7515 §4.1.11).
                            return null;
                        case "cty":
                            // A nested JWT (RFC 7519 §5.2): what it says is not what was signed here.
                            if ("JWT".equalsIgnoreCase(text(p, v))) {
                                return null;
                            }
                            break;
                        case "b64":
                            // An unencoded payload (RFC 7797) needs crit; without it this is hostile.
                            return null;
                        case "jwk":
                            if (v != JsonToken.START_OBJECT) {
                                return null;
                            }
                            h.jwk = JwkPublicKeys.members(p);
                            h.hasJwk = true;
                            break;
                        case "x5c":
                            h.x5c = certificates(p, v);
                            if (h.x5c == null) {
                                return null;
                            }
                            break;
                        default:
                            p.skipChildren();
                    }
                }
                if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null || h.alg == null) {
                    return null;
                }
            }
            return h;
        }

        private static String text(JsonParser p, JsonToken v) throws IOException {
            if (v != JsonToken.VALUE_STRING) {
                throw new IOException("not a string");
            }
            return p.getText();
        }

        /** Standard base64 DER certificates (RFC 7515 §4.1.6), or null when malformed. */
        private static List<byte[]> certificates(JsonParser p, JsonToken v) throws IOException {
            if (v != JsonToken.START_ARRAY) {
                return null;
            }
            List<byte[]> certs = new ArrayList<>(1);
            while (p.nextToken() == JsonToken.VALUE_STRING) {
                if (certs.size() == MAX_X5C) {
                    return null;
                }
                certs.add(Base64.getDecoder().decode(p.getText()));
            }
            return p.currentToken() == JsonToken.END_ARRAY && !certs.isEmpty() ? certs : null;
        }
    }
}
