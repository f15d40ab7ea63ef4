package io.tokenguard.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** tokenguard.report.html and tokenguard.metrics.otlp.*: defaults, every source, one error line per bad value. */
class ReportAndPushSettingsTest {
    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void offByDefault() {
        ConfigResult r = ConfigLoader.load(null, Collections.emptyMap(), new Properties());
        assertThat(r.settings().reportHtml()).isNull();
        assertThat(r.settings().otlpEndpoint()).isNull();
        assertThat(r.settings().otlpInterval()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void readFromAgentArgumentsPropertiesAndEnvironment() {
        ConfigResult r = ConfigLoader.load("report.html=/tmp/run.html",
                Map.of("TOKENGUARD_METRICS_OTLP_INTERVAL", "15s"),
                props("tokenguard.metrics.otlp.endpoint", "http://127.0.0.1:4318/v1/metrics"));
        assertThat(r.errors()).isEmpty();
        assertThat(r.warnings()).isEmpty();
        assertThat(r.settings().reportHtml()).isEqualTo("/tmp/run.html");
        assertThat(r.settings().otlpEndpoint()).isEqualTo("http://127.0.0.1:4318/v1/metrics");
        assertThat(r.settings().otlpInterval()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void badValuesAreOneLineEachNamingTheKey() {
        ConfigResult r = ConfigLoader.load(null, Collections.emptyMap(), props(
                "tokenguard.metrics.otlp.endpoint", "collector:4318",
                "tokenguard.metrics.otlp.interval", "0s",
                "tokenguard.report.html", " "));
        assertThat(r.errors()).hasSize(3);
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.metrics.otlp.endpoint='collector:4318'",
                "http(s) URL"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.metrics.otlp.interval='0s'"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("tokenguard.report.html=", "a file path"));
    }

    @Test
    void credentialsInTheCollectorUrlAreMaskedInTheErrorLine() {
        ConfigResult r = ConfigLoader.load(null, Collections.emptyMap(), props(
                "tokenguard.metrics.otlp.endpoint", "ftp://user:hunter2@collector/v1/metrics"));
        assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e).contains("***@").doesNotContain("hunter2"));
    }
}
