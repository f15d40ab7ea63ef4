package io.tokenguard.it.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.it.JavaProcess;
import io.tokenguard.it.SampleResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} to a redis-server whose certificate a throw-away CA signed, which the JVMs trust
 * through {@code -Djavax.net.ssl.trustStore}; the default user is off and the fleet signs in as an ACL
 * user. The key comes from {@code -Dtokenguard.fleet.key} in one JVM and from {@code TOKENGUARD_FLEET_KEY}
 * in another (as a Kubernetes Secret hands it over). A wrong password or an untrusted certificate is
 * local-only, never an app error, and no password is ever printed.
 */
class FleetTlsIT extends FleetTestBase {
    private static final String USER = "tg-fleet";
    private static final String PASSWORD = "Redis-Acl-Pw-5e1f";

    @TempDir
    Path dir;

    @Test
    void redissWithASelfSignedCaAndAnAclUserSharesOneSignInAcrossTheFleet() throws Exception {
        TlsMaterial tls = TlsMaterial.create(dir.resolve("tls"));
        RedisServer redis = stopAfterTest(RedisServer.startTls(tls, USER, PASSWORD));
        String key = newFleetKey();

        FleetJvm keyInProperty = start("key-in-property", trusting(tls, inFleet(redis.uriWithCredentials(), key)));
        FleetJvm keyFromEnv = start("key-from-env", trusting(tls, app().property(FLEET_URI, redis.uriWithCredentials())),
                Map.of(FLEET_KEY_ENV, key));
        FleetJvm wrongPassword = start("wrong-password", trusting(tls, app().property(FLEET_URI,
                "rediss://" + USER + ":not-" + PASSWORD + "@127.0.0.1:" + redis.port()).property(FLEET_KEY, key)));
        FleetJvm untrusting = start("untrusting", inFleet(redis.uriWithCredentials(), key));
        List<FleetJvm> all = List.of(keyInProperty, keyFromEnv, wrongPassword, untrusting);
        for (FleetJvm j : all) {
            j.awaitReady();
        }

        assertSharedOverTls(redis, List.of(keyInProperty, keyFromEnv), all);

        // Refused at sign-in, or at the handshake: on their own, and the app never knows.
        for (FleetJvm j : List.of(wrongPassword, untrusting)) {
            String user = j == wrongPassword ? "bob" : "carol";
            SampleResult r = j.round("--users " + user + " --threads 4 --iterations 5");
            assertThat(r.errors()).as(j.toString()).isZero();
            assertThat(idp.tokenCalls("eloqua", user)).isEqualTo(1);
            assertThat(j.meter(STATE_GAUGE)).as(j.toString()).isEqualTo(0.0);
            assertThat(FleetFaultsIT.fleetStates(j)).as(j.toString()).containsExactly("local-only");
        }
        for (FleetJvm j : all) {
            assertThat(j.quit()).as(j.toString()).isZero();
            assertThat(j.stdout() + j.stderr()).as(j.name()).doesNotContain(PASSWORD);
        }
    }

    /**
     * The README's Kubernetes form: the ACL user in the URI ({@code rediss://user@host:port}), its password
     * from {@code TOKENGUARD_FLEET_REDIS_PASSWORD}, beside a JVM that has both in the URI.
     */
    @Test
    void anAclUserInTheUriWithItsPasswordFromTheEnvironment() throws Exception {
        TlsMaterial tls = TlsMaterial.create(dir.resolve("tls"));
        RedisServer redis = stopAfterTest(RedisServer.startTls(tls, USER, PASSWORD));
        String key = newFleetKey();
        String userOnly = "rediss://" + USER + "@127.0.0.1:" + redis.port();

        FleetJvm inUri = start("password-in-uri", trusting(tls, inFleet(redis.uriWithCredentials(), key)));
        FleetJvm fromEnv = start("password-from-env", trusting(tls, app().property(FLEET_URI, userOnly)
                .property(FLEET_KEY, key)), Map.of(FLEET_PASSWORD_ENV, PASSWORD));
        List<FleetJvm> both = List.of(inUri, fromEnv);
        for (FleetJvm j : both) {
            j.awaitReady();
        }

        assertSharedOverTls(redis, both, both);
        for (FleetJvm j : both) {
            assertThat(j.quit()).as(j.toString()).isZero();
            assertThat(j.stdout() + j.stderr()).as(j.name()).doesNotContain(PASSWORD);
        }
    }

    /** Run together, these JVMs sign alice in once, all get that one token, and say fleet mode. */
    private void assertSharedOverTls(RedisServer redis, List<FleetJvm> sharing, List<FleetJvm> all) throws Exception {
        List<SampleResult> results = roundAll(sharing, "--users alice --threads 8 --iterations 10");

        String described = describe(all);
        assertThat(idp.tokenCalls("eloqua", "alice")).as(described).isEqualTo(1);
        for (SampleResult r : results) {
            assertThat(r.row("eloqua", "alice").statuses()).as(described).isEqualTo(Map.of("200", 80L));
            assertThat(r.row("eloqua", "alice").tokens()).isEqualTo(results.get(0).row("eloqua", "alice").tokens());
        }
        assertThat(redis.dump()).as("what the fleet stored, read over TLS as the ACL user").isNotEmpty();
        for (FleetJvm j : sharing) {
            assertThat(j.meter(STATE_GAUGE)).as(j.toString()).isEqualTo(1.0);
            assertThat(FleetFaultsIT.fleetStates(j)).as(j.toString()).isEmpty();
        }
    }

    private static JavaProcess trusting(TlsMaterial tls, JavaProcess app) {
        for (String option : tls.trustStoreOptions()) {
            app.jvmOption(option);
        }
        return app;
    }
}
