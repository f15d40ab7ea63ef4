package io.tokenguard.it.fleet;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The ways a secret could sit in bytes someone stored: as it is, base64 and base64url (at each of the
 * three alignments it can have inside a longer encoded blob, padded or not), URL-encoded, and hex in
 * either case. Each needle is at least as long as the secret's own distinctive middle, so a match is
 * never chance.
 */
final class Encodings {
    private Encodings() {
    }

    static Set<String> of(String secret) {
        byte[] raw = secret.getBytes(StandardCharsets.UTF_8);
        Set<String> needles = new LinkedHashSet<>();
        needles.add(secret);
        needles.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
        needles.add(URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
        String hex = HexFormat.of().formatHex(raw);
        needles.add(hex);
        needles.add(hex.toUpperCase(Locale.ROOT));
        for (Base64.Encoder encoder : new Base64.Encoder[] {Base64.getEncoder(), Base64.getUrlEncoder()}) {
            for (int shift = 0; shift < 3; shift++) {
                // The secret after `shift` other bytes: only the characters that depend on the secret alone.
                byte[] shifted = new byte[shift + raw.length];
                System.arraycopy(raw, 0, shifted, shift, raw.length);
                String encoded = encoder.withoutPadding().encodeToString(shifted);
                int from = shift == 0 ? 0 : (shift * 4 + 2) / 3;
                int to = (shift + raw.length) / 3 * 4;
                if (to - from >= 8) {
                    needles.add(encoded.substring(from, to));
                }
            }
        }
        return needles;
    }

    /** The first needle of {@code secret} found in {@code haystack}, or null. */
    static String findIn(byte[] haystack, String secret) {
        String text = new String(haystack, StandardCharsets.ISO_8859_1);
        for (String needle : of(secret)) {
            if (text.contains(needle)) {
                return needle;
            }
        }
        return null;
    }
}
