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
    private final IdentityHasher hasher = new IdentityHasher(key);

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
