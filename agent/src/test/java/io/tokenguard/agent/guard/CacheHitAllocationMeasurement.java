package io.tokenguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.telemetry.Telemetry;
import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.Upstream;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Not a test (the name keeps it out of the default run): prints the bytes the guard allocates per
 * cache hit, from the calling thread's allocation counter around 100,000 hits of one request after a
 * warm-up. The request object is reused, so only the guard's own allocation is counted (parsing,
 * the fingerprint's HMAC, the look-up, the answer's copy, the listener call). Run with
 *
 * <pre>mvn -B -ntp -o -pl agent-bootstrap,agent -am test -Dtest=CacheHitAllocationMeasurement
 *     -Dsurefire.failIfNoSpecifiedTests=false [-DargLine=-XX:TieredStopAtLevel=1]</pre>
 *
 * C1 only ({@code TieredStopAtLevel=1}) has no escape analysis: it shows every allocation the code
 * asks for; the default (C2) shows what is left after the JIT removed what does not escape.
 */
class CacheHitAllocationMeasurement {
    private static final int WARM_UP = 200_000;
    private static final int HITS = 100_000;

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private interface Hit {
        void run() throws Exception;
    }

    private static void measure(String label, Hit hit) throws Exception {
        for (int i = 0; i < WARM_UP; i++) {
            hit.run();
        }
        long before = allocatedBytes();
        for (int i = 0; i < HITS; i++) {
            hit.run();
        }
        long perHit = (allocatedBytes() - before) / HITS;
        System.out.printf("tokenguard-alloc-per-hit %-32s %6d bytes/hit over %d hits, %s %s%n", label, perHit, HITS,
                System.getProperty("java.vm.version"), ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** Also runnable on its own: java -cp ... io.tokenguard.agent.guard.CacheHitAllocationMeasurement */
    public static void main(String[] args) throws Exception {
        new CacheHitAllocationMeasurement().bytesPerCacheHit();
    }

    @Test
    void bytesPerCacheHit() throws Exception {
        EndpointRule twitter = TestRequests.twitter();
        TokenHttpRequest request = TestRequests.twitterBearer("app");
        FakeIdp idp = new FakeIdp();
        Upstream upstream = idp.upstream();
        AsyncUpstream async = () -> {
            try {
                return CompletableFuture.completedFuture(upstream.send());
            } catch (Exception e) {
                return Futures.failed(e);
            }
        };

        Guard bare = new Guard(TestRequests.settings(Mode.ENFORCE, twitter), new FakeClock(), GuardListener.NONE);
        bare.exchange(twitter, request, upstream);
        assertThat(bare.exchange(twitter, request, upstream).source()).isEqualTo(ResponseSource.CACHE);
        measure("blocking, no listener", () -> bare.exchange(twitter, request, upstream));
        measure("async, no listener", () -> bare.exchangeAsync(twitter, request, async).join());

        try (Telemetry telemetry = new Telemetry()) {
            Guard metered = new Guard(TestRequests.settings(Mode.ENFORCE, twitter), new FakeClock(), telemetry);
            metered.exchange(twitter, request, upstream);
            measure("blocking, telemetry", () -> metered.exchange(twitter, request, upstream));
        }
        assertThat(idp.calls).hasValue(2);
    }
}
