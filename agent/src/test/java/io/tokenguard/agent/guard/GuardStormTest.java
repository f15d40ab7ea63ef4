package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.settings;
import static io.tokenguard.agent.guard.TestRequests.twitter;
import static io.tokenguard.agent.guard.TestRequests.twitterBearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 1,000 threads x 100 requests for one identity, in process against the real guard: one upstream
 * call per TTL window, every caller answered, no deadlock (bounded by a preemptive timeout) and no
 * thread left behind. The fake clock moves the TTL window; nothing sleeps.
 */
@ParameterizedClass(name = "store: {0}")
@MethodSource("io.tokenguard.agent.guard.StoreBackEnd#all")
class GuardStormTest {
    private static final int THREADS = 1_000;
    private static final int REQUESTS_PER_THREAD = 100;

    private final StoreBackEnd backEnd;
    private final FakeClock clock = new FakeClock();
    private final RecordingListener listener = new RecordingListener();
    private final EndpointRule twitter = twitter();
    private final Guard guard;
    private final FakeIdp idp = new FakeIdp();

    GuardStormTest(StoreBackEnd backEnd) {
        this.backEnd = backEnd;
        this.guard = backEnd.guard(settings(Mode.ENFORCE, twitter), clock, listener);
    }

    /** What one storm saw: answers by status, distinct bodies, sources, and any throwable. */
    private static final class StormResult {
        final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        final Set<String> bodies = ConcurrentHashMap.newKeySet();
        final Map<ResponseSource, LongAdder> sources = new ConcurrentHashMap<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        long status(int code) {
            LongAdder n = statuses.get(code);
            return n == null ? 0 : n.sum();
        }

        long source(ResponseSource s) {
            LongAdder n = sources.get(s);
            return n == null ? 0 : n.sum();
        }
    }

    /**
     * Every thread released at once; the leader's upstream waits until every thread has arrived, so
     * the first requests all pile up on the one in flight before it answers.
     */
    private StormResult storm() throws InterruptedException {
        StormResult result = new StormResult();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch arrived = new CountDownLatch(THREADS);
        Upstream counted = idp.upstream();
        Upstream upstream = () -> {
            try {
                arrived.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            return counted.send();
        };
        List<Thread> workers = new ArrayList<>(THREADS);
        for (int t = 0; t < THREADS; t++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
                        if (i == 0) {
                            arrived.countDown();
                        }
                        TokenHttpResponse r = guard.exchange(twitter, twitterBearer("app"), upstream);
                        result.statuses.computeIfAbsent(r.status(), k -> new LongAdder()).increment();
                        result.sources.computeIfAbsent(r.source(), k -> new LongAdder()).increment();
                        result.bodies.add(FakeIdp.text(r));
                    }
                } catch (Throwable e) {
                    result.failure.compareAndSet(null, e);
                }
            }, "storm-" + t);
            workers.add(w);
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        return result;
    }

    @Test
    void oneUpstreamCallPerTtlWindowNoDeadlockNoThreadLeft() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            Set<Long> baseline = Threads.liveIds();

            StormResult first = storm();
            assertThat(first.failure.get()).isNull();
            assertThat(idp.calls).hasValue(1);
            assertThat(first.status(200)).isEqualTo((long) THREADS * REQUESTS_PER_THREAD);
            assertThat(first.bodies).hasSize(1).allMatch(b -> b.contains("tok-1"));
            assertThat(first.source(ResponseSource.UPSTREAM)).isEqualTo(1);
            assertThat(first.source(ResponseSource.COALESCED) + first.source(ResponseSource.CACHE))
                    .isEqualTo((long) THREADS * REQUESTS_PER_THREAD - 1);
            assertThat(guard.cacheSize()).isEqualTo(1);

            // Past the TTL (expires_in 3600 s minus the refresh skew): the next window, one more call.
            clock.advance(Duration.ofSeconds(3600));
            StormResult second = storm();
            assertThat(second.failure.get()).isNull();
            assertThat(idp.calls).hasValue(2);
            assertThat(second.status(200)).isEqualTo((long) THREADS * REQUESTS_PER_THREAD);
            assertThat(second.bodies).hasSize(1).allMatch(b -> b.contains("tok-2"));
            assertThat(second.source(ResponseSource.UPSTREAM)).isEqualTo(1);

            assertThat(listener.count("upstream")).isEqualTo(2);
            Threads.awaitBackTo(baseline);
        });
    }
}
