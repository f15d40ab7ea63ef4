package io.tokenguard.agent.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimitTest {
    @ParameterizedTest
    @CsvSource({"1/60s, 1, 60, 1/60s", "5/15m, 5, 900, 5/15m", "3600/1h, 3600, 3600, 3600/1h", "10/1d, 10, 86400, 10/1d",
        "2/30, 2, 30, 2/30s"})
    void parsesCountAndPeriod(String text, long count, long seconds, String printed) {
        RateLimit limit = RateLimit.parse(text);
        assertThat(limit.count()).isEqualTo(count);
        assertThat(limit.period()).isEqualTo(Duration.ofSeconds(seconds));
        assertThat(limit).hasToString(printed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5 per minute", "0/60s", "1/0s", "/60s", "1/", "1/60x", "-1/60s", "abc"})
    void rejectsAnythingElse(String text) {
        assertThatThrownBy(() -> RateLimit.parse(text)).hasMessage(RateLimit.EXPECTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "NONE", " none "})
    void noneIsNoLimit(String text) {
        assertThat(RateLimit.parse(text)).isNull();
    }
}
