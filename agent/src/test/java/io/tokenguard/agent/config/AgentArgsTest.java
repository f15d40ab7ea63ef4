package io.tokenguard.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class AgentArgsTest {
    @Test
    void commasSeparateSettingsOnlyBeforeAKey() {
        assertThat(AgentArgs.parse("mode=observe,endpoints.x.url=https://a/token,https://b/token?x=1,cache.max-entries=5"))
                .containsExactly(entry("tokenguard.mode", "observe"),
                        entry("tokenguard.endpoints.x.url", "https://a/token,https://b/token?x=1"),
                        entry("tokenguard.cache.max-entries", "5"));
    }

    @Test
    void emptyAndPrefixedArguments() {
        assertThat(AgentArgs.parse(null)).isEmpty();
        assertThat(AgentArgs.parse("  ")).isEmpty();
        assertThat(AgentArgs.parse("tokenguard.mode=off")).containsExactly(entry("tokenguard.mode", "off"));
        assertThat(AgentArgs.parse("strict")).containsExactly(entry("tokenguard.strict", null));
    }
}
