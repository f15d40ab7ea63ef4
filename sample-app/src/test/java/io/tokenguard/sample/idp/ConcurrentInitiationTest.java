package io.tokenguard.sample.idp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConcurrentInitiationTest {
    private final EmulatedIdp idp = EmulatedIdp.start(IdpOptions.defaults().withClock(new ManualClock()));
    private final ExecutorService pool = Executors.newFixedThreadPool(12);

    @AfterEach
    void stop() {
        pool.shutdownNow();
        idp.close();
    }

    @Test
    void simultaneousInitiationsAdmitExactlyOne() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            results.add(pool.submit(() -> {
                gate.await();
                return Eloqua.password(idp, "alice", "alice-pw").statusCode();
            }));
        }
        gate.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : results) {
            statuses.add(f.get());
        }
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(11);
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(12);
    }
}
