package io.tokenguard.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvironmentNamesTest {
    @ParameterizedTest
    @CsvSource({
        "TOKENGUARD_MODE, tokenguard.mode",
        "TOKENGUARD_CACHE_MAX_ENTRIES, tokenguard.cache.max-entries",
        "TOKENGUARD_ENDPOINTS, tokenguard.endpoints",
        "TOKENGUARD_ENDPOINTS_ELOQUA_LIMIT, tokenguard.endpoints.eloqua.limit",
        "TOKENGUARD_ENDPOINTS_ELOQUA_LIMIT_PER, tokenguard.endpoints.eloqua.limit-per",
        "TOKENGUARD_ENDPOINTS_MY_IDP_ON_LIMIT, tokenguard.endpoints.my_idp.on-limit",
        "TOKENGUARD_ENDPOINTS_TWITTER_LOCKOUT_ERROR_CODE, tokenguard.endpoints.twitter.lockout-error-code",
        "TOKENGUARD_ENDPOINTS_OKTA_URL, tokenguard.endpoints.okta.url",
        "TOKENGUARD_ENDPOINTS_OKTA_URL_2, tokenguard.endpoints.okta.url.2",
    })
    void mapsVariablesToKeys(String variable, String key) {
        assertThat(EnvironmentNames.toKey(variable)).isEqualTo(key);
    }

    @ParameterizedTest
    @CsvSource({"TOKENGUARD_NOPE", "TOKENGUARD_ENDPOINTS_LIMIT", "PATH"})
    void unknownVariablesMapToNothing(String variable) {
        assertThat(EnvironmentNames.toKey(variable)).isNull();
    }
}
