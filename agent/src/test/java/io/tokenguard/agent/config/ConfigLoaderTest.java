package io.tokenguard.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.LimitPer;
import io.tokenguard.agent.catalog.OnLimit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static ConfigResult load(String args, Map<String, String> env, Properties sys) {
        return ConfigLoader.load(args, env, sys);
    }

    @Test
    void defaultsCarryTheBuiltInCatalog() {
        ConfigResult r = load(null, Collections.emptyMap(), new Properties());
        assertThat(r.ok()).isTrue();
        AgentSettings s = r.settings();
        assertThat(s.mode()).isEqualTo(Mode.ENFORCE);
        assertThat(s.cacheMaxEntries()).isEqualTo(10_000);
        assertThat(s.refreshSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.captureMaxBytes()).isEqualTo(65_536);
        assertThat(s.catalog().rules()).extracting(EndpointRule::id).containsExactly("eloqua", "twitter", "okta",
                "auth0", "entra", "google", "keycloak", "salesforce", "cognito", "github");
        EndpointRule eloqua = s.catalog().byId("eloqua");
        assertThat(eloqua.limit()).hasToString("1/60s");
        assertThat(eloqua.limitPer()).isEqualTo(LimitPer.USER);
        assertThat(eloqua.onLimit()).isEqualTo(OnLimit.REJECT);
        assertThat(eloqua.isExempt("refresh_token")).isTrue();
        EndpointRule twitter = s.catalog().byId("twitter");
        assertThat(twitter.limit()).isNull();
        assertThat(twitter.lockoutStatus()).isEqualTo(403);
        assertThat(twitter.lockoutErrorCode()).isEqualTo("99");
        assertThat(s.catalog().match("https", "api.x.com", -1, "/oauth2/token").id()).isEqualTo("twitter");
        assertThat(s.catalog().match("https", "login.microsoftonline.com", -1, "/common/oauth2/v2.0/token").id())
                .isEqualTo("entra");
        assertThat(s.catalog().match("https", "me.auth.eu-west-1.amazoncognito.com", -1, "/oauth2/token").id())
                .isEqualTo("cognito");
        assertThat(s.catalog().match("https", "acme.my.salesforce.com", -1, "/services/oauth2/token").id())
                .isEqualTo("salesforce");
        assertThat(s.catalog().match("https", "github.com", -1, "/login/oauth/authorize")).isNull();
    }

    @Test
    void laterSourcesWin(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("tg.properties");
        Files.write(file, ("tokenguard.cache.max-entries=1\ntokenguard.capture.max-bytes=2\n"
                + "tokenguard.coalesce.max-wait=3s\ntokenguard.cache.refresh-skew=4s\n").getBytes());
        Map<String, String> env = new HashMap<>();
        env.put("TOKENGUARD_CONFIG", file.toString());
        env.put("TOKENGUARD_CAPTURE_MAX_BYTES", "20");
        env.put("TOKENGUARD_COALESCE_MAX_WAIT", "30s");
        env.put("TOKENGUARD_CACHE_REFRESH_SKEW", "40s");
        ConfigResult r = load("cache.refresh-skew=400ms", env,
                props("tokenguard.coalesce.max-wait=ignored".split("=")[0], "300s",
                        "tokenguard.cache.refresh-skew", "4000s"));
        assertThat(r.errors()).isEmpty();
        assertThat(r.settings().cacheMaxEntries()).isEqualTo(1);
        assertThat(r.settings().captureMaxBytes()).isEqualTo(20);
        assertThat(r.settings().coalesceMaxWait()).isEqualTo(Duration.ofSeconds(300));
        assertThat(r.settings().refreshSkew()).isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void oneKeyOfABuiltInRuleCanBeOverriddenAlone() {
        ConfigResult r = load("endpoints.eloqua.url=http://127.0.0.1:*/auth/oauth2/token,http://localhost:*/auth/oauth2/token",
                Collections.emptyMap(), props("tokenguard.endpoints.eloqua.on-limit", "delay"));
        EndpointRule eloqua = r.settings().catalog().byId("eloqua");
        assertThat(eloqua.urls()).hasSize(2);
        assertThat(eloqua.onLimit()).isEqualTo(OnLimit.DELAY);
        assertThat(eloqua.limit()).hasToString("1/60s");
        assertThat(eloqua.isExempt("refresh_token")).isTrue();
    }

    @Test
    void customEndpointsWithNumberedUrlsAndASubsetInForce() {
        Map<String, String> env = new HashMap<>();
        env.put("TOKENGUARD_ENDPOINTS_INTERNAL_LIMIT_PER", "client");
        ConfigResult r = load("endpoints=internal,eloqua", env, props(
                "tokenguard.endpoints.internal.url", "https://idp.corp/token",
                "tokenguard.endpoints.internal.url.2", "https://idp2.corp/token",
                "tokenguard.endpoints.internal.limit", "5/15m"));
        assertThat(r.errors()).isEmpty();
        assertThat(r.settings().catalog().rules()).extracting(EndpointRule::id).containsExactly("internal", "eloqua");
        EndpointRule internal = r.settings().catalog().byId("internal");
        assertThat(internal.urls()).hasSize(2);
        assertThat(internal.limitPer()).isEqualTo(LimitPer.CLIENT);
        assertThat(internal.limit()).hasToString("5/15m");
    }

    @Test
    void everyInvalidValueIsOneLineNamingKeyValueAndSource() {
        ConfigResult r = load("mode=loud", Collections.singletonMap("TOKENGUARD_CACHE_MAX_ENTRIES", "lots"), props(
                "tokenguard.endpoints.eloqua.limit", "5-per-minute",
                "tokenguard.endpoints.eloqua.max-delay", "soon",
                "tokenguard.endpoints.twitter.url", "https://u:secret@api.twitter.com/oauth2/token?x",
                "tokenguard.strict", "yes"));
        assertThat(r.ok()).isFalse();
        assertThat(r.settings()).isNull();
        assertThat(r.errors()).hasSize(6);
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.mode='loud'", "(from agent argument)",
                "enforce, observe or off"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.cache.max-entries='lots'",
                "TOKENGUARD_CACHE_MAX_ENTRIES"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.endpoints.eloqua.limit='5-per-minute'",
                "(from -D)", "1/60s"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.endpoints.eloqua.max-delay='soon'"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.strict='yes'"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.endpoints.twitter.url").contains("***@")
                .doesNotContain("secret"));
        assertThat(String.join("\n", r.errors())).doesNotContain("secret");
    }

    @Test
    void assertionSettingsAreReadAndABadValueOrKeyFileIsOneLineNamingIt() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        Path pem = Files.writeString(dir.resolve("sa.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(g.generateKeyPair().getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        ConfigResult ok = load("", Collections.emptyMap(), props(
                "tokenguard.endpoints.google.assertion-keys", pem.toString(),
                "tokenguard.endpoints.eloqua.assertion-identity", "claims-unverified"));
        assertThat(ok.errors()).isEmpty();
        assertThat(ok.settings().catalog().byId("google").assertionKeys().size()).isEqualTo(1);
        assertThat(ok.settings().catalog().byId("google").assertionIdentity())
                .isEqualTo(io.tokenguard.agent.catalog.AssertionIdentity.VERIFIED);
        assertThat(ok.settings().catalog().byId("eloqua").assertionIdentity())
                .isEqualTo(io.tokenguard.agent.catalog.AssertionIdentity.CLAIMS_UNVERIFIED);

        Path notAKey = Files.writeString(dir.resolve("secret.txt"), "client_secret=hunter2");
        ConfigResult bad = load("", Collections.emptyMap(), props(
                "tokenguard.endpoints.google.assertion-keys", pem + "," + dir.resolve("missing.pem"),
                "tokenguard.endpoints.okta.assertion-keys", notAKey.toString(),
                "tokenguard.endpoints.eloqua.assertion-identity", "trust-me"));
        assertThat(bad.ok()).isFalse();
        assertThat(bad.errors()).hasSize(3);
        assertThat(bad.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.endpoints.google.assertion-keys",
                "missing.pem"));
        assertThat(bad.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.endpoints.okta.assertion-keys",
                "secret.txt", "no public key"));
        assertThat(bad.errors()).anySatisfy(e -> assertThat(e).contains(
                "tokenguard.endpoints.eloqua.assertion-identity='trust-me'", "verified, exact or claims-unverified"));
        assertThat(String.join("\n", bad.errors())).doesNotContain("hunter2");
    }

    @Test
    void strictIsKnownEvenWhenOtherSettingsAreBad() {
        ConfigResult r = load(null, Collections.emptyMap(), props("tokenguard.strict", "true", "tokenguard.mode", "x"));
        assertThat(r.ok()).isFalse();
        assertThat(r.strict()).isTrue();
    }

    @Test
    void unknownKeysAreWarningsNotErrors() {
        ConfigResult r = load("catche.max-entries=5", Collections.singletonMap("TOKENGUARD_NOPE", "1"),
                props("tokenguard.endpoints.eloqua.limmit", "1/60s", "unrelated.key", "x"));
        assertThat(r.ok()).isTrue();
        assertThat(r.warnings()).hasSize(3);
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("tokenguard.catche.max-entries"));
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("TOKENGUARD_NOPE"));
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("tokenguard.endpoints.eloqua.limmit"));
    }

    @Test
    void aMissingConfigFileIsAnErrorNamingIt() {
        ConfigResult r = load("config=" + dir.resolve("nope.properties"), Collections.emptyMap(), new Properties());
        assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e).contains("nope.properties"));
    }

    @Test
    void anEndpointWithoutUrlIsAnError() {
        ConfigResult r = load(null, Collections.emptyMap(), props("tokenguard.endpoints.mine.limit", "1/60s"));
        assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e).contains("tokenguard.endpoints.mine.url"));
    }

    @Test
    void modeOffAndObserveAreRead() {
        assertThat(load("mode=off", Collections.emptyMap(), new Properties()).settings().mode()).isEqualTo(Mode.OFF);
        assertThat(load("mode=OBSERVE", Collections.emptyMap(), new Properties()).settings().mode())
                .isEqualTo(Mode.OBSERVE);
    }


    @Test
    void telemetrySettingsHaveDefaultsAndAreReadFromEverySource() {
        AgentSettings defaults = load(null, Collections.emptyMap(), new Properties()).settings();
        assertThat(defaults.metricsJmx()).isTrue();
        assertThat(defaults.prometheusPort()).isZero();
        assertThat(defaults.prometheusHost()).isEqualTo("127.0.0.1");
        assertThat(defaults.eventsFile()).isNull();
        assertThat(defaults.reportJson()).isNull();
        assertThat(defaults.failExitCode()).isZero();

        Map<String, String> env = new HashMap<>();
        env.put("TOKENGUARD_METRICS_PROMETHEUS_PORT", "9464");
        env.put("TOKENGUARD_GUARDRAIL_FAIL_EXIT_CODE", "3");
        ConfigResult r = load("metrics.jmx=false", env, props("tokenguard.metrics.prometheus.host", "0.0.0.0",
                "tokenguard.events.file", "/tmp/events.jsonl", "tokenguard.report.json", "/tmp/report.json"));
        assertThat(r.errors()).isEmpty();
        AgentSettings s = r.settings();
        assertThat(s.metricsJmx()).isFalse();
        assertThat(s.prometheusPort()).isEqualTo(9464);
        assertThat(s.prometheusHost()).isEqualTo("0.0.0.0");
        assertThat(s.eventsFile()).isEqualTo("/tmp/events.jsonl");
        assertThat(s.reportJson()).isEqualTo("/tmp/report.json");
        assertThat(s.failExitCode()).isEqualTo(3);
    }

    @Test
    void invalidTelemetrySettingsAreOneErrorLineEach() {
        ConfigResult r = load(null, Collections.emptyMap(), props("tokenguard.metrics.jmx", "yes",
                "tokenguard.metrics.prometheus.port", "65536", "tokenguard.guardrail.fail-exit-code", "0",
                "tokenguard.events.file", " "));
        assertThat(r.errors()).hasSize(4);
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.metrics.jmx='yes'", "true or false"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.metrics.prometheus.port='65536'",
                "1 to 65535"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.guardrail.fail-exit-code='0'",
                "1 to 255"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.events.file=", "a file path"));
    }

    @Test
    void guardrailAndTagSettingsHaveDefaultsAndAreReadFromEverySource() {
        AgentSettings defaults = load(null, Collections.emptyMap(), new Properties()).settings();
        assertThat(defaults.maxUpstreamPerMinute()).isZero();
        assertThat(defaults.onBreach()).isEqualTo(OnBreach.REJECT);
        assertThat(defaults.userTag()).isEqualTo(UserTag.OFF);
        assertThat(defaults.maxTagValues()).isEqualTo(100);
        assertThat(defaults.catalog().byId("eloqua").maxUpstreamPerMinute()).isZero();

        Map<String, String> env = new HashMap<>();
        env.put("TOKENGUARD_GUARDRAIL_MAX_UPSTREAM_PER_MINUTE", "600");
        env.put("TOKENGUARD_ENDPOINTS_ELOQUA_MAX_UPSTREAM_PER_MINUTE", "5");
        ConfigResult r = load("guardrail.on-breach=observe", env, props("tokenguard.metrics.user-tag", "hashed",
                "tokenguard.metrics.max-tag-values", "7"));
        assertThat(r.errors()).isEmpty();
        assertThat(r.warnings()).isEmpty();
        AgentSettings s = r.settings();
        assertThat(s.maxUpstreamPerMinute()).isEqualTo(600);
        assertThat(s.onBreach()).isEqualTo(OnBreach.OBSERVE);
        assertThat(s.userTag()).isEqualTo(UserTag.HASHED);
        assertThat(s.maxTagValues()).isEqualTo(7);
        assertThat(s.catalog().byId("eloqua").maxUpstreamPerMinute()).isEqualTo(5);
        assertThat(s.catalog().byId("twitter").maxUpstreamPerMinute()).isZero();
    }

    @Test
    void invalidGuardrailAndTagSettingsAreOneErrorLineEach() {
        ConfigResult r = load(null, Collections.emptyMap(), props("tokenguard.guardrail.max-upstream-per-minute", "0",
                "tokenguard.guardrail.on-breach", "explode", "tokenguard.metrics.user-tag", "plain",
                "tokenguard.metrics.max-tag-values", "many", "tokenguard.endpoints.eloqua.max-upstream-per-minute",
                "-3"));
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).hasSize(5);
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains(
                "tokenguard.guardrail.max-upstream-per-minute='0'", "1 to 10000000"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.guardrail.on-breach='explode'",
                "reject or observe"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.metrics.user-tag='plain'",
                "off or hashed"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.metrics.max-tag-values='many'",
                "1 to 10000"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains(
                "tokenguard.endpoints.eloqua.max-upstream-per-minute='-3'"));
    }

    @Test
    void theTestFaultSwitchIsOffByDefaultAndTakesOnlyKnownStages() {
        assertThat(load(null, Collections.emptyMap(), new Properties()).settings().testFailStages()).isEmpty();
        ConfigResult ok = load("test.fail-stage=cache,Parse", Collections.emptyMap(), new Properties());
        assertThat(ok.errors()).isEmpty();
        assertThat(ok.warnings()).isEmpty();
        assertThat(ok.settings().testFailStages()).containsExactly("cache", "parse");

        ConfigResult bad = load(null, Collections.emptyMap(), props("tokenguard.test.fail-stage", "cache,cach"));
        assertThat(bad.errors()).singleElement().satisfies(e -> assertThat(e)
                .contains("tokenguard.test.fail-stage='cache,cach'", "for tests only", "synthetic"));
        // The config code keeps its own copy of the names: bootstrap classes are not loadable yet when it runs.
        assertThat(ConfigKeys.TEST_STAGES).containsExactly(io.tokenguard.bootstrap.TestFaults.names());
    }

    @Test
    void aMalformedConfigFileIsOneErrorNamingIt() throws Exception {
        Path file = dir.resolve("broken.properties");
        Files.write(file, "tokenguard.mode=\\u12zz\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        ConfigResult r = load("config=" + file, Collections.emptyMap(), new Properties());
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e).contains("tokenguard.config", file.toString(),
                "IllegalArgumentException"));
    }

    @Test
    void aConfigFileThatCannotBeReadIsOneErrorNamingIt() {
        // A directory: unreadable as a file even for root, unlike a file without read permission.
        ConfigResult r = load("config=" + dir, Collections.emptyMap(), new Properties());
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e).contains("tokenguard.config", dir.toString(),
                "IOException"));
    }
}
