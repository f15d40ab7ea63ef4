package io.tokenguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class IdentityHasherTest {
    private final byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final IdentityHasher hasher = new IdentityHasher(IdentityKey.of(key));

    /** The definition: HMAC-SHA-256 under the key over length-prefixed fields, base64url without padding. */
    private String expected(String... fields) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        for (String f : fields) {
            byte[] b = f.getBytes(StandardCharsets.UTF_8);
            mac.update(new byte[] {1, (byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8),
                (byte) b.length});
            mac.update(b);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
    }

    @Test
    void hashesAreTheKeyedHmacOfTheFields() throws Exception {
        assertThat(hasher.newHash().field("a").field("bc").finish()).isEqualTo(expected("a", "bc"));
        assertThat(hasher.newHash().field("ab").field("c").finish()).isNotEqualTo(expected("a", "bc"));
    }

    @Test
    void nonAsciiLongAndAbsentFieldsKeepTheDefinition() throws Exception {
        String longValue = "x".repeat(1_000) + "ü";
        String mixed = "Zoë \u00e9\u4e2d\ud83d\ude00";
        assertThat(hasher.newHash().field(mixed).field(longValue).finish()).isEqualTo(expected(mixed, longValue));
        // The one-buffer builder grows past its first 256 bytes without losing what it held.
        String[] many = new String[100];
        for (int i = 0; i < many.length; i++) {
            many[i] = "field-" + i;
        }
        IdentityHasher.Builder b = hasher.newHash();
        for (String f : many) {
            b.field(f);
        }
        assertThat(b.finish()).isEqualTo(expected(many));
        // An absent field is five zero bytes: distinct from an empty one.
        assertThat(hasher.newHash().field(null).finish()).isNotEqualTo(hasher.newHash().field("").finish());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        assertThat(hasher.newHash().field(null).finish())
                .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(new byte[5])));
    }

    @Test
    void manyThreadsHashingAtOnceNeverMixTheirState() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        String user = "user-" + thread + "-" + i;
                        if (!hasher.newHash().field("endpoint").field(user).finish().equals(expected("endpoint", user))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
