package io.tokenguard.it.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.it.SampleResult;
import io.tokenguard.sample.idp.EmulatedIdp;
import io.tokenguard.sample.idp.IdpOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the fleet keeps in Redis is no one's secret: answers are encrypted under the fleet key, names are
 * hashes. Read back with SCAN and GET (and the like for other types) on the test's own connection. A JVM
 * with another key can neither read nor be served the fleet's answers, and a value that does not decrypt
 * is a miss. Eloqua's window is off here, so a JVM that is not served makes a sign-in of its own that
 * succeeds, and the IdP's count shows it.
 */
class FleetSecretsIT extends FleetTestBase {
    private static final String NO_LIMIT = "tokenguard.endpoints.eloqua.limit";

    @Override
    IdpOptions idpOptions() {
        return IdpOptions.defaults().withEloquaWindow(Duration.ZERO);
    }

    @Test
    void noValueOrKeyInRedisHoldsATokenARefreshTokenOrASecretInAnyEncoding() throws Exception {
        RedisServer redis = redis();
        String key = newFleetKey();
        List<FleetJvm> jvms = fleet(2, redis.uri(), key, app -> app);

        List<SampleResult> results = roundAll(jvms, "--provider both --users alice,bob"
                + " --consumer sample-consumer,other-consumer --threads 4 --iterations 5");
        for (SampleResult r : results) {
            assertThat(r.errors()).as(describe(jvms)).isZero();
        }
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(1);

        Map<String, List<byte[]>> stored = redis.dump();
        assertThat(stored).as("nothing stored: nothing checked").isNotEmpty();
        // At least one value as long as an answer with its token: the answers really are in there, encrypted.
        assertThat(stored.values().stream().flatMap(List::stream).mapToInt(v -> v.length).max().orElse(0))
                .isGreaterThan(100);
        Map<String, String> secrets = secrets(key);
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, List<byte[]>> entry : stored.entrySet()) {
            List<byte[]> places = new ArrayList<>(entry.getValue());
            places.add(entry.getKey().getBytes(StandardCharsets.ISO_8859_1));
            for (byte[] place : places) {
                for (Map.Entry<String, String> secret : secrets.entrySet()) {
                    String needle = Encodings.findIn(place, secret.getValue());
                    if (needle != null) {
                        found.add(secret.getKey() + " as '" + needle + "' under key " + entry.getKey());
                    }
                }
            }
        }
        assertThat(found).as(stored.size() + " keys scanned").isEmpty();
        for (FleetJvm j : jvms) {
            assertThat(j.quit()).isZero();
            assertThat(j.stdout() + j.stderr()).as("the fleet key in the app's output")
                    .doesNotContain(key, Base64.getUrlEncoder().encodeToString(Base64.getDecoder().decode(key)));
        }
    }

    /** Every secret of the run by what it is: the IdP's tokens, the passwords and client secrets, the fleet key. */
    private Map<String, String> secrets(String fleetKey) {
        Map<String, String> secrets = new LinkedHashMap<>();
        List<String> issued = idp.issuedTokens();
        assertThat(issued).isNotEmpty();
        for (int i = 0; i < issued.size(); i++) {
            secrets.put("token #" + i, issued.get(i));
        }
        secrets.put("every token's marker", EmulatedIdp.TOKEN_MARKER);
        secrets.put("eloqua client secret", "sample-app-secret");
        secrets.put("alice's password", "alice-pw");
        secrets.put("bob's password", "bob-pw");
        secrets.put("twitter consumer secret", "sample-consumer-secret");
        secrets.put("other consumer secret", "other-consumer-secret");
        secrets.put("eloqua Basic credentials", Base64.getEncoder().encodeToString(
                "sample-app-client:sample-app-secret".getBytes(StandardCharsets.UTF_8)));
        secrets.put("fleet key (base64)", fleetKey);
        secrets.put("fleet key (bytes)", new String(Base64.getDecoder().decode(fleetKey), StandardCharsets.ISO_8859_1));
        return secrets;
    }

    @Test
    void aJvmWithAnotherFleetKeyIsNeverServedTheFleetsAnswersAndMakesItsOwnCall() throws Exception {
        RedisServer redis = redis();
        String key = newFleetKey();
        String name = "fleet-key-test";
        // No per-user limit: this is about the answers, and a stranger's limit is its own anyway.
        FleetJvm owner = start("owner", inFleet(redis.uri(), key).property(FLEET_NAME, name).property(NO_LIMIT, "none"));
        FleetJvm stranger = start("stranger", inFleet(redis.uri(), newFleetKey()).property(FLEET_NAME, name)
                .property(NO_LIMIT, "none"));
        FleetJvm colleague = start("colleague", inFleet(redis.uri(), key).property(FLEET_NAME, name)
                .property(NO_LIMIT, "none"));
        for (FleetJvm j : List.of(owner, stranger, colleague)) {
            j.awaitReady();
        }
        String round = "--users alice --threads 4 --iterations 5";

        SampleResult fleets = owner.round(round);
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(1);
        SampleResult strangers = stranger.round(round);

        // Its own sign-in, its own token: nothing of the fleet's was decrypted, let alone served.
        assertThat(idp.tokenCalls("eloqua", "alice")).as(owner + "\n" + stranger).isEqualTo(2);
        assertThat(strangers.errors()).isZero();
        assertThat(strangers.row("eloqua", "alice").apiUsers()).containsExactly("alice");
        assertThat(strangers.row("eloqua", "alice").tokens()).hasSize(1)
                .doesNotContainAnyElementsOf(fleets.row("eloqua", "alice").tokens());
        assertThat(stranger.meter(STATE_GAUGE)).as("the other key is no reason to leave the fleet").isEqualTo(1.0);
        // The fleet's answer was there all along for a JVM with the fleet's key.
        SampleResult colleagues = colleague.round(round);
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(2);
        assertThat(colleagues.row("eloqua", "alice").tokens()).isEqualTo(fleets.row("eloqua", "alice").tokens());
        assertThat(stranger.quit()).as(stranger.toString()).isZero();
        assertThat(stranger.stderr()).doesNotContain("Exception", "\tat ");
    }

    /** Every value in Redis overwritten with as many random bytes (same key, same TTL): nothing decrypts. */
    @Test
    void aValueThatDoesNotDecryptIsAMissNeverServed() throws Exception {
        RedisServer redis = redis();
        String key = newFleetKey();
        FleetJvm first = start("first", inFleet(redis.uri(), key).property(NO_LIMIT, "none")).awaitReady();
        SampleResult before = first.round("--users alice --threads 2 --iterations 2");
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(1);

        int corrupted = corruptEveryString(redis);
        assertThat(corrupted).isPositive();
        FleetJvm second = start("second", inFleet(redis.uri(), key).property(NO_LIMIT, "none")).awaitReady();
        SampleResult after = second.round("--users alice --threads 2 --iterations 2");

        assertThat(after.errors()).as(second.toString()).isZero();
        assertThat(after.row("eloqua", "alice").apiUsers()).containsExactly("alice");
        assertThat(after.row("eloqua", "alice").tokens()).hasSize(1)
                .doesNotContainAnyElementsOf(before.row("eloqua", "alice").tokens());
        assertThat(idp.tokenCalls("eloqua", "alice")).as(second.toString()).isEqualTo(2);
        assertThat(second.quit()).as(second.toString()).isZero();
        assertThat(second.stderr()).doesNotContain("\tat ");
    }

    @SuppressWarnings("unchecked")
    private static int corruptEveryString(RedisServer redis) throws Exception {
        java.security.SecureRandom random = new java.security.SecureRandom();
        int n = 0;
        try (Resp r = redis.client()) {
            String cursor = "0";
            do {
                List<Object> page = (List<Object>) r.call("SCAN", cursor, "COUNT", "1000");
                cursor = Resp.text(page.get(0));
                for (Object k : (List<Object>) page.get(1)) {
                    byte[] name = (byte[]) k;
                    if (!"string".equals(Resp.text(r.call("TYPE".getBytes(StandardCharsets.US_ASCII), name)))) {
                        continue;
                    }
                    byte[] value = (byte[]) r.call("GET".getBytes(StandardCharsets.US_ASCII), name);
                    if (value == null) {
                        continue;
                    }
                    byte[] junk = new byte[value.length];
                    random.nextBytes(junk);
                    // The same first byte (a version, if the format has one), so the rest must fail to decrypt.
                    if (junk.length > 0) {
                        junk[0] = value[0];
                    }
                    r.call("SET".getBytes(StandardCharsets.US_ASCII), name, junk,
                            "KEEPTTL".getBytes(StandardCharsets.US_ASCII));
                    n++;
                }
            } while (!"0".equals(cursor));
        }
        return n;
    }
}
