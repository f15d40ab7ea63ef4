package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.FleetKeyRing;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.fleet.RedisServerFixture;
import io.tokenguard.bootstrap.ResponseSource;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Not part of the suite (no *Test suffix): what fleet mode costs a request, against a redis-server
 * on loopback. Run with
 * {@code mvn -B -ntp -pl agent -am test -Dtest=FleetLatencyMeasurement -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class FleetLatencyMeasurement {
    private static final int N = 5_000;

    @Test
    void measure() throws Exception {
        try (RedisServerFixture redis = RedisServerFixture.start()) {
            EndpointRule rule = eloqua(OnLimit.REJECT);
            AgentSettings settings = settings(Mode.ENFORCE, rule);
            FakeClock clock = new FakeClock();
            FakeIdp idp = new FakeIdp();
            idp.body = "{\"access_token\":\"tok-1\",\"expires_in\":28800}";
            FleetKeyRing keys = FleetKeyRing.of(TestFleet.newKey());
            String name = "bench-" + UUID.randomUUID();
            FleetJvm a = new FleetJvm(redis.uri(), keys, name, settings, clock);
            FleetJvm b = new FleetJvm(redis.uri(), keys, name, settings, clock);
            Guard alone = new Guard(settings, clock, new RecordingListener());

            long[] missFleet = new long[N];
            long[] missAlone = new long[N];
            long[] secondLevel = new long[N];
            for (int i = 0; i < N; i++) {
                long t0 = System.nanoTime();
                a.guard.exchange(rule, eloquaPassword("user" + i, "pw"), idp.upstream());
                long t1 = System.nanoTime();
                alone.exchange(rule, eloquaPassword("user" + i, "pw"), idp.upstream());
                long t2 = System.nanoTime();
                assertThat(b.guard.exchange(rule, eloquaPassword("user" + i, "pw"), idp.upstream()).source())
                        .isEqualTo(ResponseSource.CACHE);
                long t3 = System.nanoTime();
                missFleet[i] = t1 - t0;
                missAlone[i] = t2 - t1;
                secondLevel[i] = t3 - t2;
            }
            long[] hitFleet = new long[N];
            long[] hitAlone = new long[N];
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < N; i++) {
                    long t0 = System.nanoTime();
                    b.guard.exchange(rule, eloquaPassword("user" + i, "pw"), idp.upstream());
                    long t1 = System.nanoTime();
                    alone.exchange(rule, eloquaPassword("user" + i, "pw"), idp.upstream());
                    long t2 = System.nanoTime();
                    hitFleet[i] = t1 - t0;
                    hitAlone[i] = t2 - t1;
                }
            }
            long[] ping = new long[N];
            for (int i = 0; i < N; i++) {
                long t0 = System.nanoTime();
                a.link.get("tg:ping");
                ping[i] = System.nanoTime() - t0;
            }
            System.out.println("FLEET-MEASUREMENT n=" + N + " (µs p50 / p99)");
            print("redis GET round trip (link)", ping);
            print("miss, in memory (alone)", missAlone);
            print("miss, fleet (lease, cooldown, bucket CAS, store)", missFleet);
            print("first-level miss, second-level hit", secondLevel);
            print("first-level hit, in memory (alone)", hitAlone);
            print("first-level hit, fleet", hitFleet);
            a.close();
            b.close();
        }
    }

    private static void print(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("FLEET-MEASUREMENT %-50s %8.1f %8.1f%n", what, s[s.length / 2] / 1000.0,
                s[(int) (s.length * 0.99)] / 1000.0);
    }
}
