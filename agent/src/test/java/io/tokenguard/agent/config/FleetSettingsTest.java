package io.tokenguard.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** tokenguard.fleet.*: on iff a URI is given, then only with a key; every bad value one line, no secret in any. */
class FleetSettingsTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'k');
    private static final String OTHER_KEY = Base64.getUrlEncoder().encodeToString(new byte[40]).replace('A', '_');

    private static ConfigResult load(String args, Map<String, String> env) {
        return ConfigLoader.load(args, env, new Properties());
    }

    @Test
    void offWithoutAUri() {
        ConfigResult r = load("", Map.of());
        assertThat(r.ok()).isTrue();
        assertThat(r.settings().fleet()).isNull();
    }

    @Test
    void aUriWithAKeyTurnsItOnWithDefaults() {
        ConfigResult r = load("fleet.redis.uri=rediss://app:pa%3Ass@redis.internal:6380/2",
                Map.of("TOKENGUARD_FLEET_KEY", KEY + "," + OTHER_KEY));
        assertThat(r.errors()).isEmpty();
        FleetSettings f = r.settings().fleet();
        assertThat(f.uri().tls()).isTrue();
        assertThat(f.uri().host()).isEqualTo("redis.internal");
        assertThat(f.uri().port()).isEqualTo(6380);
        assertThat(f.uri().database()).isEqualTo(2);
        assertThat(f.uri().user()).isEqualTo("app");
        assertThat(f.password()).isEqualTo("pa:ss");
        assertThat(f.keys().size()).isEqualTo(2);
        assertThat(f.timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(f.name()).startsWith("endpoints-");
        assertThat(f.toString()).doesNotContain("pa:ss").doesNotContain("pa%3Ass").doesNotContain("app:")
                .contains("redis.internal");
    }

    @Test
    void thePasswordComesFromTheEnvironmentWhenTheUriHasNone() {
        ConfigResult r = load("fleet.redis.uri=redis://127.0.0.1,fleet.key=" + KEY + ",fleet.name=shop,fleet.timeout=100ms",
                Map.of("TOKENGUARD_FLEET_REDIS_PASSWORD", "s3cret"));
        FleetSettings f = r.settings().fleet();
        assertThat(f.password()).isEqualTo("s3cret");
        assertThat(f.uri().port()).isEqualTo(6379);
        assertThat(f.name()).isEqualTo("shop");
        assertThat(f.timeout()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aLoneUserInfoIsTheUserWhenThePasswordComesFromElsewhereElseThePassword() {
        String key = ",fleet.key=" + KEY;
        FleetSettings userOnly = load("fleet.redis.uri=rediss://tokenguard@127.0.0.1" + key,
                Map.of("TOKENGUARD_FLEET_REDIS_PASSWORD", "s3cret")).settings().fleet();
        assertThat(userOnly.user()).isEqualTo("tokenguard");
        assertThat(userOnly.password()).isEqualTo("s3cret");
        FleetSettings legacy = load("fleet.redis.uri=redis://s3cret@127.0.0.1" + key, Map.of()).settings().fleet();
        assertThat(legacy.user()).isNull();
        assertThat(legacy.password()).isEqualTo("s3cret");
        FleetSettings both = load("fleet.redis.uri=redis://app:pw@127.0.0.1" + key, Map.of()).settings().fleet();
        assertThat(both.user()).isEqualTo("app");
        assertThat(both.password()).isEqualTo("pw");
        assertThat(load("fleet.redis.uri=redis://:pw@127.0.0.1" + key, Map.of()).settings().fleet().user()).isNull();
    }

    @Test
    void theDefaultNameFollowsTheEndpointsInForce() {
        String base = "fleet.redis.uri=redis://127.0.0.1,fleet.key=" + KEY;
        String one = load(base + ",endpoints=eloqua", Map.of()).settings().fleet().name();
        String same = load(base + ",endpoints=eloqua", Map.of()).settings().fleet().name();
        String other = load(base + ",endpoints=twitter", Map.of()).settings().fleet().name();
        assertThat(one).isEqualTo(same).isNotEqualTo(other);
    }

    @Test
    void aUriWithoutAKeyIsOneClearErrorAndTheAgentStaysOff() {
        ConfigResult r = load("fleet.redis.uri=redis://:hunter2@127.0.0.1:6379", Map.of());
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).hasSize(1);
        assertThat(r.errors().get(0)).contains("tokenguard.fleet.key").contains("TOKENGUARD_FLEET_KEY")
                .doesNotContain("hunter2");
    }

    @Test
    void badValuesNameKeyAndValueButNoSecret() {
        ConfigResult r = load("fleet.redis.uri=http://user:hunter2@host/?token=abc,fleet.timeout=0s,"
                + "fleet.key=c2hvcnQ=", Map.of("TOKENGUARD_FLEET_REDIS_PASSWORD", ""));
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.fleet.redis.uri='http://***@host/?***'"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.fleet.timeout='0s'"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.fleet.key (from agent argument; value not shown)"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.fleet.redis.password"));
        assertThat(String.join("\n", r.errors())).doesNotContain("hunter2").doesNotContain("abc")
                .doesNotContain("c2hvcnQ");
    }

    @Test
    void aKeyTooShortOrNotBase64IsRefused() {
        String uri = "fleet.redis.uri=redis://127.0.0.1,fleet.key=";
        assertThat(load(uri + Base64.getEncoder().encodeToString(new byte[31]), Map.of()).ok()).isFalse();
        assertThat(load(uri + "not*base64", Map.of()).ok()).isFalse();
        assertThat(load(uri + KEY + ",%%%", Map.of()).ok()).as("every key of the ring").isFalse();
    }
}
