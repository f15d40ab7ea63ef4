package io.tokenguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The hash pre-filter may only make header matching faster, never change which headers match. */
class HeaderNamesTest {
    private static final List<String> SPELLINGS = List.of("authorization", "Authorization", "AUTHORIZATION",
            "x-api-key", "X-Api-Key", "x-api-kez", "k", "K", "\u212A", "i", "I", "\u0131", "\u0130", "ss",
            "\u00df", "content-type", "Content-Type", "content_type", "", "dpop", "DPoP", "d\u00f6p",
            "accept", "accept-encoding", "x-\u212Aey", "x-key", "X-KEY");

    @Test
    void matchesExactlyWhatEqualsIgnoreCaseMatches() {
        HeaderNames names = HeaderNames.of(SPELLINGS);
        int matches = 0;
        for (int j = 0; j < names.size(); j++) {
            for (String header : SPELLINGS) {
                boolean expected = names.name(j).equalsIgnoreCase(header);
                assertThat(names.matches(j, HeaderNames.foldedHash(header), header))
                        .as("%s vs %s", names.name(j), header).isEqualTo(expected);
                matches += expected ? 1 : 0;
            }
        }
        // Kelvin sign and k, dotless i and i match under equalsIgnoreCase: the pre-filter must keep them.
        assertThat(names.matches(SPELLINGS.indexOf("k"), HeaderNames.foldedHash("\u212A"), "\u212A")).isTrue();
        assertThat(names.matches(SPELLINGS.indexOf("x-key"), HeaderNames.foldedHash("x-\u212Aey"), "x-\u212Aey"))
                .isTrue();
        assertThat(matches).isGreaterThan(SPELLINGS.size());
    }

    @Test
    void theSameListIsPreparedOnce() {
        List<String> list = List.of("authorization", "x-api-key");
        assertThat(HeaderNames.of(list)).isSameAs(HeaderNames.of(list));
        assertThat(HeaderNames.foldedHash("X-Api-Key")).isEqualTo(HeaderNames.foldedHash("x-api-key"))
                .isEqualTo("x-api-key".hashCode() & 0xffffffffL);
    }
}
