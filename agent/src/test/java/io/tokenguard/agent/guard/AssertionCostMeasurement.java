package io.tokenguard.agent.guard;

import static io.tokenguard.agent.jose.TestJwts.jwk;
import static io.tokenguard.agent.jose.TestJwts.sign;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.jose.TestJwts;
import io.tokenguard.bootstrap.TokenHttpRequest;
import java.lang.management.ManagementFactory;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Not a test (the name keeps it out of the default run): what verifying an assertion costs a cache hit
 * (issue 14), in the calling thread's CPU time and allocated bytes, against an exact-bytes hit of a
 * client-credentials request in the same JVM. Three kinds of hit, each a guard answering from its cache:
 * a Twitter bearer request (the baseline), a jwt-bearer request whose assertion is new every time (a
 * signature check per request: RS256 with a jwk header, and ES256), and the same assertion sent again
 * (the reading is remembered per exact JWT: a look-up). Assertions are signed before measuring. Run with
 *
 * <pre>mvn -B -ntp -o -pl agent-bootstrap,agent test -Dtest=AssertionCostMeasurement
 *     -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
class AssertionCostMeasurement {
    private static final String GOOGLE_URL = "https://oauth2.googleapis.com/token";
    private static final int FRESH = 4_000;
    private static final int ROUNDS = 3;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static final class Cost {
        final double cpuMicros;
        final long bytes;

        Cost(double cpuMicros, long bytes) {
            this.cpuMicros = cpuMicros;
            this.bytes = bytes;
        }
    }

    private static Cost measure(Guard guard, EndpointRule rule, List<TokenHttpRequest> requests, FakeIdp idp)
            throws Exception {
        long tid = Thread.currentThread().getId();
        long cpu = THREADS.getCurrentThreadCpuTime();
        long bytes = THREADS.getThreadAllocatedBytes(tid);
        for (TokenHttpRequest r : requests) {
            assertThat(guard.exchange(rule, r, idp.upstream()).status()).isEqualTo(200);
        }
        return new Cost((THREADS.getCurrentThreadCpuTime() - cpu) / 1000.0 / requests.size(),
                (THREADS.getThreadAllocatedBytes(tid) - bytes) / requests.size());
    }

    private static List<TokenHttpRequest> jwtBearer(String alg, KeyPair keys, int n, boolean fresh) {
        List<TokenHttpRequest> out = new ArrayList<>(n);
        String same = null;
        for (int i = 0; i < n; i++) {
            String assertion = same;
            if (assertion == null) {
                long iat = 1_800_000_000L;
                assertion = sign(alg, keys.getPrivate(), "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"jwk\":"
                        + jwk(keys.getPublic()) + "}", "{\"iss\":\"sa@p.iam\",\"scope\":\"s\",\"aud\":\"" + GOOGLE_URL
                        + "\",\"iat\":" + iat + ",\"exp\":" + (iat + 3600) + ",\"jti\":\"" + UUID.randomUUID() + "\"}");
                same = fresh ? null : assertion;
            }
            out.add(TestRequests.post(GOOGLE_URL, null, "application/x-www-form-urlencoded",
                    "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + assertion, 0));
        }
        return out;
    }

    @Test
    void printTheCostOfVerifyingAnAssertionPerCacheHit() throws Exception {
        EndpointRule twitter = TestRequests.twitter();
        EndpointRule google = EndpointRule.builder("google").url(GOOGLE_URL).limit("none").build();
        FakeIdp idp = new FakeIdp();
        FakeClock clock = new FakeClock();
        Guard guard = new Guard(AgentSettings.builder().mode(Mode.ENFORCE).rule(twitter).rule(google).build(), clock,
                new RecordingListener());
        KeyPair rsa = TestJwts.rsa();
        KeyPair ec = TestJwts.ec("secp256r1");
        List<TokenHttpRequest> bearer = new ArrayList<>();
        TokenHttpRequest one = TestRequests.twitterBearer("sample-consumer");
        for (int i = 0; i < FRESH; i++) {
            bearer.add(one);
        }
        for (int round = 1; round <= ROUNDS; round++) {
            // A round's fresh assertions are new to the memo (new jti); the first round warms everything up.
            List<TokenHttpRequest> rs256 = jwtBearer("RS256", rsa, FRESH, true);
            List<TokenHttpRequest> es256 = jwtBearer("ES256", ec, FRESH, true);
            List<TokenHttpRequest> repeated = jwtBearer("RS256", rsa, FRESH, false);
            Cost base = measure(guard, twitter, bearer, idp);
            Cost freshRs = measure(guard, google, rs256, idp);
            Cost freshEs = measure(guard, google, es256, idp);
            Cost again = measure(guard, google, repeated, idp);
            System.out.printf("tokenguard-assertion-cost round %d (%d hits each): exact-bytes hit %.2f us %d B;"
                    + " fresh RS256 %.2f us %d B (x%.1f); fresh ES256 %.2f us %d B (x%.1f);"
                    + " repeated assertion %.2f us %d B (x%.2f)%n", round, FRESH, base.cpuMicros, base.bytes,
                    freshRs.cpuMicros, freshRs.bytes, freshRs.cpuMicros / base.cpuMicros, freshEs.cpuMicros,
                    freshEs.bytes, freshEs.cpuMicros / base.cpuMicros, again.cpuMicros, again.bytes,
                    again.cpuMicros / base.cpuMicros);
        }
        // Every fresh assertion was answered from the cache: one upstream call per kind of request.
        assertThat(idp.calls.get()).isLessThanOrEqualTo(4);
    }
}
