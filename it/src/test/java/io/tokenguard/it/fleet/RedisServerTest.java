package io.tokenguard.it.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixtures the fleet tests stand on: they do what the tests take them to do. */
class RedisServerTest {
    @TempDir
    Path dir;

    @Test
    void startsKillsRestartsFreezesAndThawsOnOnePort() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            int port = redis.port();
            try (Resp r = redis.client()) {
                assertThat(r.call("SET", "k", "v", "PX", "60000")).isEqualTo("OK");
                assertThat(r.call("HSET", "h", "f", "hv")).isEqualTo(1L);
            }
            Map<String, List<byte[]>> dump = redis.dump();
            assertThat(dump).containsOnlyKeys("k", "h");
            assertThat(new String(dump.get("k").get(0), StandardCharsets.UTF_8)).isEqualTo("v");
            assertThat(dump.get("h")).extracting(b -> new String(b, StandardCharsets.UTF_8)).containsExactly("f", "hv");

            redis.kill();
            assertThatThrownBy(redis::client).isInstanceOf(IOException.class);
            redis.restart();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.dump()).as("nothing saved, nothing loaded").isEmpty();

            try (Resp before = redis.client(300)) {
                redis.freeze();
                assertThatThrownBy(() -> before.call("PING")).isInstanceOf(SocketTimeoutException.class);
                redis.thaw();
            }
            try (Resp after = redis.client()) {
                assertThat(after.call("PING")).isEqualTo("PONG");
            }
        }
    }

    @Test
    void tlsWithAnAclUserAndTheDefaultUserOff() throws Exception {
        TlsMaterial tls = TlsMaterial.create(dir);
        try (RedisServer redis = RedisServer.startTls(tls, "tester", "pw-1")) {
            assertThat(redis.uri()).startsWith("rediss://127.0.0.1:");
            try (Resp r = redis.client()) {
                assertThat(Resp.text(r.call("ACL", "WHOAMI"))).isEqualTo(RedisServer.ADMIN);
            }
            try (Resp fleet = redis.clientAsFleetUser()) {
                assertThat(fleet.call("SET", "tg:x", "v")).isEqualTo("OK");
                assertThatThrownBy(() -> fleet.call("SET", "other", "v")).isInstanceOf(Resp.Error.class)
                        .hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> fleet.call("FLUSHALL")).isInstanceOf(Resp.Error.class)
                        .hasMessageContaining("NOPERM");
            }
            try (Resp anonymous = Resp.connect(redis.port(), tls.socketFactory(), null, null, 2000)) {
                assertThatThrownBy(() -> anonymous.call("PING")).isInstanceOf(Resp.Error.class)
                        .hasMessageContaining("NOAUTH");
            }
        }
    }

    @Test
    void aBlackHoleAcceptsAndNeverAnswers() throws Exception {
        try (BlackHole hole = new BlackHole();
             Resp r = Resp.connect(hole.port(), null, null, null, 300)) {
            assertThatThrownBy(() -> r.call("PING")).isInstanceOf(SocketTimeoutException.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> hole.connections() == 1);
        }
    }
}
