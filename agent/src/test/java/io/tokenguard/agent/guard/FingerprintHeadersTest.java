package io.tokenguard.agent.guard;

import static io.tokenguard.agent.guard.TestRequests.twitter;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The fingerprint writes only the identity and representation headers a request has: every way of
 * having or not having them, with any values, must still give a fingerprint of its own.
 */
class FingerprintHeadersTest {
    private final IdentityHasher hasher = new IdentityHasher(IdentityKey.random());
    private final EndpointRule rule = twitter();

    @Test
    void everyCombinationOfHeadersHasAFingerprintOfItsOwn() throws Exception {
        // "accept" is also configured as an identity header: it then stands in both lists.
        List<String> names = AgentSettings.builder().identityHeaders(List.of("accept", "x-tenant")).build()
                .identityHeaders();
        String[][] choices = {
            {null, "Basic YTpi", "basic YTpi"},
            {null, "application/json", "*/*"},
            {null, "t1", "accept"},
            {null, "gzip"},
            {null, "x-tenant"},
        };
        String[] headerNames = {"Authorization", "Accept", "X-Tenant", "Accept-Encoding", "X-Other"};
        Set<String> fingerprints = new HashSet<>();
        int combinations = 0;
        int[] pick = new int[choices.length];
        while (true) {
            HttpHeaders.Builder h = HttpHeaders.builder().add("Content-Type", "application/x-www-form-urlencoded");
            for (int k = 0; k < pick.length; k++) {
                if (choices[k][pick[k]] != null) {
                    h.add(headerNames[k], choices[k][pick[k]]);
                }
            }
            fingerprints.add(fingerprint(h.build(), names));
            combinations++;
            int k = 0;
            while (k < pick.length && ++pick[k] == choices[k].length) {
                pick[k++] = 0;
            }
            if (k == pick.length) {
                break;
            }
        }
        // X-Other is no identity header: with or without it is one request (2 of each combination).
        assertThat(fingerprints).hasSize(combinations / 2);
    }

    @Test
    void aHeaderRepeatedIsNotTheSameAsItsValuesJoined() throws Exception {
        List<String> names = AgentSettings.builder().build().identityHeaders();
        String twice = fingerprint(HttpHeaders.builder().add("Cookie", "a=1").add("Cookie", "b=2").build(), names);
        String joined = fingerprint(HttpHeaders.builder().add("Cookie", "a=1; b=2").build(), names);
        String none = fingerprint(HttpHeaders.builder().build(), names);
        assertThat(Set.of(twice, joined, none)).hasSize(3);
    }

    private String fingerprint(HttpHeaders headers, List<String> names) throws Exception {
        TokenHttpRequest request = new TokenHttpRequest(HttpClientKind.URLCONNECTION, "POST",
                new URL("https://api.twitter.com/oauth2/token"), headers,
                "grant_type=client_credentials".getBytes(StandardCharsets.UTF_8), 0);
        return RequestIdentity.of(hasher, new CredentialSources(), new AssertionIdentities(hasher, GuardClock.SYSTEM), rule, request, TokenRequestParser.parse(request),
                names).fingerprint();
    }
}
