package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.FleetKeyRing;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.fleet.RedisServerFixture;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis failing under a running fleet: requests are still answered, never slower than one
 * fleet.timeout per call, the breaker switches to local-only once (one event, the gauge at 0) and
 * back when Redis answers again. The breaker's back-off runs on the fake clock.
 */
class FleetFaultTest {
    private static final long TIMEOUT_NANOS = RedisServerFixture.timeout().toNanos();
    private final FakeClock clock = new FakeClock();
    private final EndpointRule rule = eloqua(OnLimit.REJECT);
    private final AgentSettings settings = settings(Mode.ENFORCE, rule);
    private final FakeIdp idp = new FakeIdp();
    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private FleetJvm jvm(String uri) {
        FleetJvm j = new FleetJvm(uri, FleetKeyRing.of(TestFleet.newKey()), "faults-" + UUID.randomUUID(), settings,
                clock);
        closing.add(0, j);
        return j;
    }

    /** The request's wall time, asserted to be answered (any status the guard would give). */
    private long timed(FleetJvm j, String user) throws Exception {
        long start = System.nanoTime();
        TokenHttpResponse r = j.guard.exchange(rule, eloquaPassword(user, "pw"), idp.upstream());
        assertThat(r.status()).isIn(200, 429);
        return System.nanoTime() - start;
    }

    @Test
    void redisKilledMidRunThenRestarted() throws Exception {
        RedisServerFixture redis = RedisServerFixture.start();
        closing.add(redis);
        FleetJvm j = jvm(redis.uri());
        timed(j, "alice");
        assertThat(j.link.fleetMode()).isTrue();

        redis.kill();
        for (int i = 0; i < 5; i++) {
            // Each request: a few store calls, only the first of which may still try Redis.
            assertThat(timed(j, "user" + i)).isLessThan(TIMEOUT_NANOS * 2 + TimeUnit.MILLISECONDS.toNanos(500));
        }
        assertThat(j.link.fleetMode()).as("the gauge").isFalse();
        assertThat(j.fleet.states).containsExactly("local-only");
        assertThat(j.listener.faults).isEmpty();
        assertThat(idp.calls).hasValue(6);

        redis.restart();
        // Before the back-off is over nothing asks Redis.
        timed(j, "bob");
        assertThat(j.link.fleetMode()).isFalse();
        clock.advance(Duration.ofSeconds(2));
        timed(j, "carol");
        assertThat(j.link.fleetMode()).as("the gauge").isTrue();
        assertThat(j.fleet.states).containsExactly("local-only", "fleet");
    }

    @Test
    void aFlappingRedisIsToldOncePerSwitch() throws Exception {
        RedisServerFixture redis = RedisServerFixture.start();
        closing.add(redis);
        FleetJvm j = jvm(redis.uri());
        List<String> expected = new java.util.ArrayList<>();
        for (int cycle = 0; cycle < 3; cycle++) {
            redis.kill();
            for (int i = 0; i < 3; i++) {
                timed(j, "down" + cycle + "-" + i);
            }
            expected.add("local-only");
            redis.restart();
            // Each failed probe doubles the back-off (at most 30 s): a minute covers any of them.
            clock.advance(Duration.ofMinutes(1));
            timed(j, "up" + cycle);
            expected.add("fleet");
            assertThat(j.link.fleetMode()).isTrue();
        }
        assertThat(j.fleet.states).isEqualTo(expected);
        assertThat(j.listener.faults).isEmpty();
    }

    @Test
    void aServerThatAcceptsAndNeverAnswers() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (Exception closed) {
                    // test over
                }
            }, "silent-redis");
            acceptor.setDaemon(true);
            acceptor.start();
            FleetJvm j = jvm("redis://127.0.0.1:" + silent.getLocalPort());
            assertThat(timed(j, "alice")).isLessThan(TIMEOUT_NANOS * 2 + TimeUnit.MILLISECONDS.toNanos(500));
            for (int i = 0; i < 5; i++) {
                assertThat(timed(j, "user" + i)).as("local-only: no Redis call")
                        .isLessThan(TimeUnit.MILLISECONDS.toNanos(100));
            }
            assertThat(j.link.fleetMode()).isFalse();
            assertThat(j.fleet.states).containsExactly("local-only");
            assertThat(idp.calls).hasValue(6);
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void aServerAnsweringGarbage() throws Exception {
        try (ServerSocket liar = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = liar.accept();
                        OutputStream out = s.getOutputStream();
                        out.write("HTTP/1.1 200 OK\r\n\r\n<html>not redis</html>".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (Exception closed) {
                    // test over
                }
            }, "garbage-redis");
            acceptor.setDaemon(true);
            acceptor.start();
            FleetJvm j = jvm("redis://127.0.0.1:" + liar.getLocalPort());
            for (int i = 0; i < 3; i++) {
                assertThat(timed(j, "user" + i)).isLessThan(TIMEOUT_NANOS * 2 + TimeUnit.MILLISECONDS.toNanos(500));
            }
            assertThat(j.link.fleetMode()).isFalse();
            assertThat(j.fleet.states).containsExactly("local-only");
            assertThat(j.listener.faults).isEmpty();
        }
    }

    @Test
    void aServerRefusingAuth() throws Exception {
        RedisServerFixture redis = RedisServerFixture.start("--requirepass", "right-password");
        closing.add(redis);
        FleetJvm j = jvm("redis://:wrong-password@127.0.0.1:" + redis.port());
        assertThat(timed(j, "alice")).isLessThan(TIMEOUT_NANOS * 2 + TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(j.link.fleetMode()).isFalse();
        assertThat(j.fleet.states).containsExactly("local-only");

        FleetJvm right = jvm("redis://:right-password@127.0.0.1:" + redis.port());
        timed(right, "bob");
        assertThat(right.link.fleetMode()).isTrue();
    }
}
