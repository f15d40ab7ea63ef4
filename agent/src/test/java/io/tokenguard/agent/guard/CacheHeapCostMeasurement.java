package io.tokenguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.TokenHttpRequest;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Not a test (the name keeps it out of the default run): prints the retained heap per cached
 * identity, from used-heap deltas after full GCs around 100,000 distinct identities. Run with
 *
 * <pre>mvn -B -ntp -pl agent -am test -Dtest=CacheHeapCostMeasurement -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * Each entry holds the fingerprint, the settled answer (status, headers, body bytes) and Caffeine's
 * node; a rule with a limit adds one Bucket4j bucket per identity. The body dominates: the small
 * case is a typical opaque bearer token answer, the large one a 1 KiB JWT with a refresh token.
 */
class CacheHeapCostMeasurement {
    private static final int IDENTITIES = 100_000;
    private static final String SMALL = "{\"access_token\":\"tok-1\",\"token_type\":\"bearer\",\"expires_in\":3600}";
    private static final String LARGE = "{\"access_token\":\"" + "x".repeat(1024) + "tok-1\",\"token_type\":\"bearer\","
            + "\"expires_in\":3600,\"refresh_token\":\"" + "r".repeat(64) + "\"}";

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private static long settledUsedHeap() {
        long used = Long.MAX_VALUE;
        // Several full collections until the figure stops falling (finalizers, soft refs, TLABs).
        for (int i = 0; i < 5; i++) {
            MEMORY.gc();
            long now = MEMORY.getHeapMemoryUsage().getUsed();
            if (now >= used - 1024) {
                return Math.min(now, used);
            }
            used = now;
        }
        return used;
    }

    private static void measure(String label, EndpointRule rule, String body, IntFunction<TokenHttpRequest> request)
            throws Exception {
        FakeIdp idp = new FakeIdp();
        idp.body = body;
        Guard guard = new Guard(AgentSettings.builder().mode(Mode.ENFORCE).rule(rule).cacheMaxEntries(IDENTITIES * 2)
                .build(), new FakeClock(), new RecordingListener());
        // Warm up classes and JIT on other identities, then measure the next 100,000.
        for (int i = 0; i < 2_000; i++) {
            guard.exchange(rule, request.apply(-1 - i), idp.upstream());
        }
        long before = settledUsedHeap();
        for (int i = 0; i < IDENTITIES; i++) {
            guard.exchange(rule, request.apply(i), idp.upstream());
        }
        long after = settledUsedHeap();
        assertThat(guard.cacheSize()).isEqualTo(IDENTITIES + 2_000L);
        long perEntry = (after - before) / IDENTITIES;
        int bodyBytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        System.out.printf("tokenguard-heap-per-entry %-38s %6d bytes/entry (body %4d bytes, overhead %5d) "
                        + "over %d entries, %s%n", label, perEntry, bodyBytes, perEntry - bodyBytes, IDENTITIES,
                System.getProperty("java.vm.version"));
        java.lang.ref.Reference.reachabilityFence(guard);
    }

    @Test
    void heapPerCachedIdentity() throws Exception {
        EndpointRule twitter = TestRequests.twitter();
        EndpointRule eloqua = TestRequests.eloqua(OnLimit.REJECT);
        measure("client_credentials, no limit, small", twitter, SMALL, i -> TestRequests.twitterBearer("app" + i));
        measure("client_credentials, no limit, 1 KiB JWT", twitter, LARGE, i -> TestRequests.twitterBearer("app" + i));
        measure("password grant, 1/60s limit, small", eloqua, SMALL,
                i -> TestRequests.eloquaPassword("user" + i, "pw"));
        measure("password grant, 1/60s limit, 1 KiB JWT", eloqua, LARGE,
                i -> TestRequests.eloquaPassword("user" + i, "pw"));
    }
}
