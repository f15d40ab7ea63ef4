package io.tokenguard.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's configuration table says what the declarations say: every key, and its default. */
class ConfigurationTableTest {
    private static final String ENDPOINT = "tokenguard.endpoints.<id>.";

    /** key → default cell of the README's table. */
    private static Map<String, String> readmeTable() throws Exception {
        Path readme = Path.of("..", "README.md");
        Map<String, String> rows = new LinkedHashMap<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## Configuration");
            }
            if (inSection && line.startsWith("| `tokenguard.")) {
                String[] cells = line.split("\\|");
                String key = cells[1].trim();
                rows.put(key.substring(1, key.length() - 1), cells[2].trim());
            }
        }
        return rows;
    }

    @Test
    void everyDeclaredSettingHasItsRowWithItsDefault() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        for (Setting s : Setting.values()) {
            expected.put(s.key, s.documentedDefault);
        }
        for (EndpointSetting s : EndpointSetting.values()) {
            expected.put(ENDPOINT + s.property, s.documentedDefault);
        }
        assertThat(readmeTable()).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void theDeclaredDefaultsAreTheValuesInForce() {
        AgentSettings defaults = ConfigLoader.load("", Map.of(), new java.util.Properties()).settings();
        assertThat(defaults.mode()).isEqualTo(Setting.MODE.defaultValue());
        assertThat(defaults.coalesceMaxWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.cooldownMax()).isEqualTo(Duration.ofMinutes(15));
        assertThat(defaults.identityHeaders()).isEqualTo(AgentSettings.builder().build().identityHeaders());
        assertThat(defaults.captureMaxBytes()).isEqualTo(65_536);
        assertThat(defaults.prometheusPort()).as("off").isZero();

        EndpointRule rule = EndpointRule.builder("x").url("https://idp.example/token").build();
        Map<EndpointSetting, String> documented = new LinkedHashMap<>();
        documented.put(EndpointSetting.LIMIT, rule.limit() == null ? "`none`" : "`" + rule.limit() + "`");
        documented.put(EndpointSetting.LIMIT_PER, "`" + rule.limitPer().name().toLowerCase(Locale.ROOT) + "`");
        documented.put(EndpointSetting.ON_LIMIT, "`" + rule.onLimit().name().toLowerCase(Locale.ROOT) + "`");
        documented.put(EndpointSetting.MAX_DELAY, "`" + text(rule.maxDelay()) + "`");
        documented.put(EndpointSetting.DEFAULT_TTL, "`" + text(rule.defaultTtl()) + "`");
        documented.put(EndpointSetting.EXEMPT_GRANTS, rule.exemptGrants().isEmpty() ? "none" : "?");
        documented.put(EndpointSetting.COOLDOWN, "`" + text(rule.cooldown()) + "`");
        documented.put(EndpointSetting.LOCKOUT_STATUS, rule.lockoutStatus() == 0 ? "none" : "?");
        documented.put(EndpointSetting.LOCKOUT_ERROR_CODE, rule.lockoutErrorCode() == null ? "none" : "?");
        documented.put(EndpointSetting.REJECT_STATUS, "`" + rule.rejectStatus() + "`");
        documented.forEach((s, text) -> assertThat(s.documentedDefault).as(s.property).isEqualTo(text));
        assertThat(rule.maxUpstreamPerMinute()).as("0: the global guardrail").isZero();
    }

    private static String text(Duration d) {
        long s = d.getSeconds();
        return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 && s >= 300 ? s / 60 + "m" : s + "s";
    }
}
