package io.tokenguard.agent.instrument.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.eclipse.jetty.client.AuthenticationStore;
import org.eclipse.jetty.client.BasicAuthentication;
import org.junit.jupiter.api.Test;

/**
 * The AuthenticationStore answers a 401 or adds a preemptive Authorization below the hook, and which
 * user it answers as can change while it stays the same object: a call it may authenticate passes
 * untouched; one it cannot (nothing in it for the URI) is guarded.
 */
class JettyAuthenticationStoreTest extends JettyTokenCalls {
    @Test
    void aStoreWhoseCredentialsChangedNeverServesTheOldUsersToken() throws Exception {
        idp.challenge = true;
        AuthenticationStore store = http.getAuthenticationStore();
        BasicAuthentication aliceAuth = new BasicAuthentication(idp.uri("/"), "idp", "alice", "alice-pw");
        store.addAuthentication(aliceAuth);
        String alice = send(tokenRequest(token()), true);
        assertThat(idp.askedFor(alice)).isEqualTo(asked(basic("alice")));

        // The app switches the client to bob.
        store.clearAuthenticationResults();
        store.removeAuthentication(aliceAuth);
        store.addAuthentication(new BasicAuthentication(idp.uri("/"), "idp", "bob", "bob-pw"));
        send(tokenRequest(bare()), false);
        assertThat(idp.received).as("without the agent bob authenticates").endsWith(asked(basic("bob")));
        // As right after the switch (the bare call left a preemptive result for bob behind).
        store.clearAuthenticationResults();

        String bob = send(tokenRequest(token()), true);
        assertThat(idp.askedFor(bob)).as("bob's token was issued for").isEqualTo(asked(basic("bob")));
    }

    @Test
    void aPreemptiveResultForTheUriPassesUntouched() throws Exception {
        http.getAuthenticationStore().addAuthenticationResult(
                new BasicAuthentication.BasicResult(idp.uri("/"), "alice", "alice-pw"));
        String first = send(tokenRequest(token()), true);
        String second = send(tokenRequest(token()), true);
        assertThat(idp.received).containsExactly(asked(basic("alice")), asked(basic("alice")));
        assertThat(second).isNotEqualTo(first);
        assertThat(guard.entered).hasValue(0);
    }

    /** An Authentication for another origin cannot touch a token request: it stays guarded. */
    @Test
    void anAuthenticationForAnotherOriginKeepsTheCallGuarded() throws Exception {
        http.getAuthenticationStore().addAuthentication(
                new BasicAuthentication(URI.create("http://api.example.test/"), "api", "alice", "alice-pw"));
        String first = send(tokenRequest(token()), true);
        String second = send(tokenRequest(token()), true);
        assertThat(idp.received).as("the second is served from the cache").containsExactly(asked("null"));
        assertThat(second).isEqualTo(first);
        assertThat(guard.faults).isEmpty();
    }
}
