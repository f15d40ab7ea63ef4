package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.FleetKeyRing;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.fleet.RedisServerFixture;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Not part of the suite (no *Test suffix): fleet-wide throughput against a redis-server on loopback,
 * at 1, 4 and 16 threads, each figure beside the same work on one JVM's in-memory stores in the same
 * run. A full miss takes the lease, reads the cooldowns, takes the user's permit (Bucket4j's
 * compare-and-swap in Redis) and stores the answer; a second-level hit is a JVM with an empty first
 * level serving what another JVM stored. Run with
 * {@code mvn -B -ntp -pl agent -am test -Dtest=FleetThroughputMeasurement -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class FleetThroughputMeasurement {
    /** 16 threads' users stay within the default cache.max-entries (10,000), or the in-memory baseline evicts. */
    private static final int PER_THREAD = 600;
    private static final java.util.Map<String, AtomicInteger> WRONG_AS = new java.util.concurrent.ConcurrentHashMap<>();

    @Test
    void measure() throws Exception {
        try (RedisServerFixture redis = RedisServerFixture.start()) {
            EndpointRule rule = eloqua(OnLimit.REJECT);
            AgentSettings settings = settings(Mode.ENFORCE, rule);
            FakeClock clock = new FakeClock();
            FakeIdp idp = new FakeIdp();
            idp.body = "{\"access_token\":\"tok-1\",\"expires_in\":28800}";
            FleetKeyRing keys = FleetKeyRing.of(TestFleet.newKey());
            System.out.println("FLEET-THROUGHPUT requests/s: fleet (Redis) vs one JVM in memory, same run");
            for (int threads : new int[] {1, 4, 16}) {
                String name = "tp-" + UUID.randomUUID();
                String users = "t" + threads + "-";
                int n = threads * PER_THREAD;
                try (FleetJvm a = new FleetJvm(redis.uri(), keys, name, settings, clock);
                     FleetJvm b = new FleetJvm(redis.uri(), keys, name, settings, clock)) {
                    Guard alone = new Guard(settings, clock, new RecordingListener());
                    double missFleet = run(threads, i -> a.guard.exchange(rule,
                            eloquaPassword(users + i, "pw"), idp.upstream()), ResponseSource.UPSTREAM);
                    double missAlone = run(threads, i -> alone.exchange(rule,
                            eloquaPassword(users + i, "pw"), idp.upstream()), ResponseSource.UPSTREAM);
                    double secondLevel = run(threads, i -> b.guard.exchange(rule,
                            eloquaPassword(users + i, "pw"), idp.upstream()), ResponseSource.CACHE);
                    System.out.println("FLEET-THROUGHPUT   second level: states=" + b.fleet.states + " calls=" + b.fleet.calls + " failed=" + b.fleet.failedCalls + " hits=" + b.fleet.secondLevelHits + " faults=" + b.fleet.faults.size() + (b.fleet.faults.isEmpty() ? "" : " first=" + b.fleet.faults.get(0)));
                    double firstLevelAlone = run(threads, i -> alone.exchange(rule,
                            eloquaPassword(users + i, "pw"), idp.upstream()), ResponseSource.CACHE);
                    System.out.printf("FLEET-THROUGHPUT threads=%2d n=%6d  full miss %9.0f vs %9.0f (%.3f)"
                            + "  second-level hit %9.0f vs first-level hit alone %9.0f (%.3f)%n", threads, n,
                            missFleet, missAlone, missFleet / missAlone, secondLevel, firstLevelAlone,
                            secondLevel / firstLevelAlone);
                }
            }
        }
    }

    interface Call {
        TokenHttpResponse exchange(int user) throws Exception;
    }

    /** threads callers over users 0..threads*PER_THREAD-1, each its own slice; requests per second. */
    private static double run(int threads, Call call, ResponseSource expected) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger wrong = new AtomicInteger();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int from = t * PER_THREAD;
            workers[t] = new Thread(() -> {
                try {
                    start.await();
                    for (int i = from; i < from + PER_THREAD; i++) {
                        ResponseSource source = call.exchange(i).source();
                        if (source != expected) {
                            wrong.incrementAndGet();
                            WRONG_AS.computeIfAbsent(source.name(), k -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    wrong.incrementAndGet();
                }
            });
            workers[t].start();
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        long elapsed = System.nanoTime() - t0;
        if (wrong.get() > 0) {
            // Whatever was not answered as expected is counted and shown, not hidden.
            System.out.printf("FLEET-THROUGHPUT   threads=%d: %d of %d not answered as %s but %s%n", threads,
                    wrong.get(), threads * PER_THREAD, expected, WRONG_AS);
            WRONG_AS.clear();
        }
        return threads * PER_THREAD / (elapsed / 1e9);
    }
}
