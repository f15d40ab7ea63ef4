package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.FleetKeyRing;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.fleet.RedisLink;
import io.tokenguard.agent.fleet.RedisServerFixture;
import io.tokenguard.bootstrap.ResponseSource;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * rediss:// to a redis-server with a certificate of a CA made here (openssl), as an ACL user. The
 * server also listens in plain text on another port, only for the fixture's readiness check and
 * for setting up the user.
 */
class FleetTlsTest {
    @TempDir
    static Path dir;
    private static RedisServerFixture redis;
    private static int tlsPort;
    private static SSLSocketFactory trustingOurCa;

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("openssl.log"))).isZero();
    }

    @BeforeAll
    static void start() throws Exception {
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-subj", "/CN=tokenguard-test-ca", "-days", "1");
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=127.0.0.1");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "1", "-extfile", "san.ext");
        // A second certificate of the same CA, for another name: what a man in the middle could show.
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.csr",
                "-subj", "/CN=elsewhere.example");
        Files.writeString(dir.resolve("other.ext"), "subjectAltName=DNS:elsewhere.example\n");
        run("openssl", "x509", "-req", "-in", "other.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "other.crt", "-days", "1", "-extfile", "other.ext");
        tlsPort = RedisServerFixture.freePort();
        redis = RedisServerFixture.start("--tls-port", Integer.toString(tlsPort),
                "--tls-cert-file", dir.resolve("server.crt").toString(),
                "--tls-key-file", dir.resolve("server.key").toString(),
                "--tls-ca-cert-file", dir.resolve("ca.crt").toString(), "--tls-auth-clients", "no");
        try (Jedis plain = new Jedis("127.0.0.1", redis.port())) {
            // The least a fleet needs: its own keys, and the commands its stores and scripts run.
            plain.aclSetUser("tokenguard", "on", ">tg-Pa55", "resetkeys", "~tg:*", "-@all", "+get", "+set", "+mget",
                    "+del", "+pttl", "+eval", "+evalsha");
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("ca.crt"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        trustingOurCa = tls.getSocketFactory();
    }

    @AfterAll
    static void stop() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aCertificateOfTheRightCaForAnotherHostIsRefused() throws Exception {
        int port = RedisServerFixture.freePort();
        try (RedisServerFixture impostor = RedisServerFixture.start("--tls-port", Integer.toString(port),
                "--tls-cert-file", dir.resolve("other.crt").toString(),
                "--tls-key-file", dir.resolve("other.key").toString(),
                "--tls-ca-cert-file", dir.resolve("ca.crt").toString(), "--tls-auth-clients", "no")) {
            RecordingFleetListener fleet = new RecordingFleetListener();
            assertThat(guard("rediss://127.0.0.1:" + port, fleet).exchange(rule, twitterBearer("app"),
                    new FakeIdp().upstream()).status()).isEqualTo(200);
            assertThat(fleet.states).containsExactly("local-only");
        }
        links.forEach(RedisLink::close);
    }

    private final FakeClock clock = new FakeClock();
    private final FleetKeyRing keys = FleetKeyRing.of(TestFleet.newKey());
    private final EndpointRule rule = twitter();
    private final AgentSettings settings = settings(Mode.ENFORCE, rule);
    private final List<RedisLink> links = new ArrayList<>();

    private Guard guard(String uri, RecordingFleetListener fleet) {
        RedisLink link = RedisLink.open(TestFleet.settings(uri, keys, "tls", RedisServerFixture.timeout()),
                trustingOurCa, fleet, clock::nanoTime);
        links.add(link);
        return new Guard(settings, clock, new RecordingListener(), GuardStores.fleet(clock, settings, link),
                IdentityKey.of(link.keys().identitySecret()));
    }

    @Test
    void anAclUserOverTlsSharesTheCache() throws Exception {
        String uri = "rediss://tokenguard:tg-Pa55@127.0.0.1:" + tlsPort;
        RecordingFleetListener first = new RecordingFleetListener();
        RecordingFleetListener second = new RecordingFleetListener();
        FakeIdp idp = new FakeIdp();
        guard(uri, first).exchange(rule, twitterBearer("app"), idp.upstream());
        assertThat(guard(uri, second).exchange(rule, twitterBearer("app"), idp.upstream()).source())
                .isEqualTo(ResponseSource.CACHE);
        assertThat(second.secondLevelHits).hasValue(1);
        assertThat(first.states).isEmpty();
        assertThat(idp.calls).hasValue(1);
        links.forEach(RedisLink::close);
    }

    @Test
    void aWrongPasswordOrNoTlsIsLocalOnlyNotAFailure() throws Exception {
        FakeIdp idp = new FakeIdp();
        for (String uri : Arrays.asList("rediss://tokenguard:wrong@127.0.0.1:" + tlsPort,
                "redis://tokenguard:tg-Pa55@127.0.0.1:" + tlsPort)) {
            RecordingFleetListener fleet = new RecordingFleetListener();
            assertThat(guard(uri, fleet).exchange(rule, twitterBearer("app"), idp.upstream()).status()).isEqualTo(200);
            assertThat(fleet.states).containsExactly("local-only");
        }
        links.forEach(RedisLink::close);
    }
}
