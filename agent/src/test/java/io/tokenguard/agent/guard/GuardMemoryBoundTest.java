package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.eloqua;
import static io.tokenguard.agent.guard.TestRequests.eloquaPassword;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.ResponseSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 100,000 distinct identities never grow the guard past tokenguard.cache.max-entries: neither the
 * token cache nor the per-identity buckets. Caffeine's maintenance runs on the calling thread (the
 * guard gives it a same-thread executor), so the bound holds after every single request.
 */
@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class GuardMemoryBoundTest {
    private static final int IDENTITIES = 100_000;
    private static final int MAX_ENTRIES = 1_000;

    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final FakeIdp idp = new FakeIdp();
    private final EndpointRule eloqua = eloqua(OnLimit.REJECT);
    private final Guard guard;

    GuardMemoryBoundTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
        this.guard = backEnd.guard(AgentSettings.builder().mode(Mode.ENFORCE).rule(eloqua)
                .cacheMaxEntries(MAX_ENTRIES).build(), clock, new RecordingListener());
    }

    @Test
    void oneHundredThousandIdentitiesStayWithinMaxEntriesAfterEveryRequest() throws Exception {
        long maxSeen = 0;
        long maxBuckets = 0;
        for (int i = 0; i < IDENTITIES; i++) {
            assertThat(guard.exchange(eloqua, eloquaPassword("user" + i, "pw" + i), idp.upstream()).status())
                    .isEqualTo(200);
            maxSeen = Math.max(maxSeen, guard.cacheSize());
            maxBuckets = Math.max(maxBuckets, guard.throttleSize());
        }
        assertThat(idp.calls).hasValue(IDENTITIES);
        assertThat(maxSeen).isEqualTo(MAX_ENTRIES);
        assertThat(maxBuckets).isEqualTo(MAX_ENTRIES);
        // The most recent identity is still served from the cache: eviction took old ones, not it.
        assertThat(guard.exchange(eloqua, eloquaPassword("user" + (IDENTITIES - 1), "pw" + (IDENTITIES - 1)),
                idp.upstream()).source()).isEqualTo(ResponseSource.CACHE);
        assertThat(idp.calls).hasValue(IDENTITIES);
    }

    @Test
    void concurrentDistinctIdentitiesStayWithinMaxEntries() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            int threads = 8;
            int perThread = 2_500;
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * perThread;
                Thread w = new Thread(() -> {
                    try {
                        for (int i = first; i < first + perThread; i++) {
                            guard.exchange(eloqua, eloquaPassword("user" + i, "pw"), idp.upstream());
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "distinct-" + t);
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                w.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(idp.calls).hasValue(threads * perThread);
            // Under contention a thread may leave eviction to the next caller: settle it, then the bound holds.
            guard.cleanUp();
            assertThat(guard.cacheSize()).isLessThanOrEqualTo(MAX_ENTRIES);
            assertThat(guard.throttleSize()).isLessThanOrEqualTo(MAX_ENTRIES);
        });
    }
}
