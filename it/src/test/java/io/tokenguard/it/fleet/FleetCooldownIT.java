package io.tokenguard.it.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenguard.it.SampleResult;
import io.tokenguard.sample.idp.IdpOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A provider's "back off" heard by one JVM holds in all of them: the IdP answers alice 429 with
 * Retry-After in one JVM, and the other three answer her locally until it is over, without asking the
 * IdP; bob, asked for meanwhile, is not held. The Eloqua window is {@value #WINDOW_SECONDS} s here
 * instead of 60, so the test sees the cooldown end; the agent's own per-user limit is off so that only
 * the cooldown holds.
 */
class FleetCooldownIT extends FleetTestBase {
    static final int WINDOW_SECONDS = 8;
    private static final int JVMS = 4;

    @Override
    IdpOptions idpOptions() {
        return IdpOptions.defaults().withEloquaWindow(Duration.ofSeconds(WINDOW_SECONDS));
    }

    @Test
    void a429InOneJvmHoldsThatIdentityInAllFourUntilRetryAfterAndNoOtherIdentity() throws Exception {
        RedisServer redis = redis();
        List<FleetJvm> jvms = fleet(JVMS, redis.uri(), newFleetKey(),
                app -> app.property("tokenguard.endpoints.eloqua.limit", "none"));
        java.util.function.Supplier<String> all = () -> describe(jvms);
        // Warm first (a JVM's first token request in fleet mode loads the Redis client: seconds on a busy
        // machine), so that the rounds below take far less than the cooldown they are about.
        for (SampleResult r : roundAll(jvms, "--users carol --threads 2 --iterations 2")) {
            assertThat(r.errors()).as(all).isZero();
        }
        assertThat(idp.tokenCalls("eloqua", "carol")).isEqualTo(1);

        // Someone else (the test, without the agent) signed alice in a moment ago: Eloqua's window is taken.
        assertThat(signInAliceDirectly()).isEqualTo(200);
        long windowEnds = System.nanoTime() + Duration.ofSeconds(WINDOW_SECONDS).toNanos();

        SampleResult first = jvms.get(0).round("--users alice --threads 1 --iterations 1");
        assertThat(first.row("eloqua", "alice").statuses()).as(all).containsOnlyKeys("429");
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(2);
        assertThat(idp.statusCount("eloqua", 429)).isEqualTo(1);
        assertThat(jvms.get(0).events()).as(jvms.get(0).toString())
                .anySatisfy(e -> assertThat(e).containsEntry("tokenguard", "cooldown"));

        // The other three, together: alice is answered locally (the cooldown heard in the first JVM), bob passes.
        List<SampleResult> others = roundAll(jvms.subList(1, JVMS), "--users alice,bob --threads 4 --iterations 5");
        assertThat(System.nanoTime() - windowEnds).as("the test itself ran past the cooldown: inconclusive").isNegative();
        for (SampleResult r : others) {
            assertThat(r.row("eloqua", "alice").statuses()).as(all).isEqualTo(java.util.Map.of("429", 20L));
            assertThat(r.row("eloqua", "bob").statuses()).as(all).isEqualTo(java.util.Map.of("200", 20L));
            assertThat(r.row("eloqua", "bob").apiUsers()).containsExactly("bob");
        }
        assertThat(idp.tokenCalls("eloqua", "alice")).as(all).isEqualTo(2);
        assertThat(idp.tokenCalls("eloqua", "bob")).as(all).isEqualTo(1);

        // Until Retry-After is over no JVM asks the IdP for alice; then one does and gets her token.
        AtomicReference<Integer> turn = new AtomicReference<>(0);
        await().atMost(Duration.ofSeconds(WINDOW_SECONDS + 20)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    FleetJvm j = jvms.get(turn.getAndUpdate(t -> (t + 1) % JVMS));
                    SampleResult r = j.round("--users alice --threads 1 --iterations 1");
                    boolean ok = r.row("eloqua", "alice").status(200) == 1;
                    if (!ok) {
                        assertThat(idp.tokenCalls("eloqua", "alice")).as(() -> "asked during the cooldown\n" + all.get())
                                .isEqualTo(2);
                    }
                    return ok;
                });
        assertThat(System.nanoTime() - windowEnds).as("released before Eloqua's window was over").isNotNegative();
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(3);
        assertThat(idp.statusCount("eloqua", 429)).as("the IdP refused nothing after the first 429").isEqualTo(1);

        // And that answer is the fleet's: every JVM now gets alice's new token without asking again.
        List<SampleResult> after = roundAll(jvms, "--users alice --threads 4 --iterations 5");
        for (SampleResult r : after) {
            assertThat(r.row("eloqua", "alice").statuses()).as(all).isEqualTo(java.util.Map.of("200", 20L));
        }
        assertThat(idp.tokenCalls("eloqua", "alice")).as(all).isEqualTo(3);
    }

    private int signInAliceDirectly() throws Exception {
        String body = "{\"grant_type\":\"password\",\"scope\":\"full\",\"username\":\"SampleCo\\\\alice\","
                + "\"password\":\"alice-pw\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(idp.baseUrl() + "/auth/oauth2/token"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "sample-app-client:sample-app-secret".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
