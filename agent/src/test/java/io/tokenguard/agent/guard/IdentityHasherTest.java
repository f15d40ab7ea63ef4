package io.tokenguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class IdentityHasherTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** HMAC-SHA-256 over length-prefixed fields, computed from scratch with a fresh Mac. */
    private static String reference(byte[] key, String... fields) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        for (String f : fields) {
            byte[] v = f.getBytes(StandardCharsets.UTF_8);
            int n = v.length;
            mac.update(new byte[] {1, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
            mac.update(v);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
    }

    @Test
    void everyHashStartsFromTheKeyedStateAndNotFromThePreviousHash() throws Exception {
        IdentityHasher hasher = new IdentityHasher(KEY);

        String first = hasher.newHash().field("fingerprint").field("alice").finish();
        String second = hasher.newHash().field("fingerprint").field("alice").finish();
        String other = hasher.newHash().field("fingerprint").field("bob").finish();

        assertThat(first).isEqualTo(reference(KEY, "fingerprint", "alice")).isEqualTo(second);
        assertThat(other).isEqualTo(reference(KEY, "fingerprint", "bob")).isNotEqualTo(first);
    }

    @Test
    void anotherKeyGivesAnotherHash() throws Exception {
        byte[] otherKey = KEY.clone();
        otherKey[0] ^= 1;
        assertThat(new IdentityHasher(otherKey).newHash().field("alice").finish())
                .isEqualTo(reference(otherKey, "alice"))
                .isNotEqualTo(new IdentityHasher(KEY).newHash().field("alice").finish());
    }

    @Test
    void threadsHashingAtOnceEachGetTheRightHash() throws Exception {
        IdentityHasher hasher = new IdentityHasher(KEY);
        int threads = 8;
        List<String> expected = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            expected.add(reference(KEY, "user", "user-" + t));
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> wrong = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                wrong.add(pool.submit(() -> {
                    start.await();
                    int mismatches = 0;
                    for (int i = 0; i < 2_000; i++) {
                        if (!hasher.newHash().field("user").field("user-" + me).finish().equals(expected.get(me))) {
                            mismatches++;
                        }
                    }
                    return mismatches;
                }));
            }
            start.countDown();
            for (Future<Integer> w : wrong) {
                assertThat(w.get(60, TimeUnit.SECONDS)).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
