package io.tokenguard.agent.instrument.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;

/**
 * Request listeners run on the connection, below the hook, and may change the request: the guard can
 * neither key on what they add nor have them notified of a copy, so such a call passes untouched.
 */
class JettyRequestListenersTest extends JettyTokenCalls {
    /** Jetty's documented place for a last change to a request: its begin listener (client auth per call). */
    private static Request withBeginAuth(Request request, String user) {
        return request.onRequestBegin(r -> r.headers(h -> h.put(HttpHeader.AUTHORIZATION, basic(user))));
    }

    @Test
    void aBeginListenersAuthorizationReachesTheIdp() throws Exception {
        send(withBeginAuth(tokenRequest(bare()), "alice"), false);
        assertThat(idp.received).as("without the agent").containsExactly(asked(basic("alice")));

        String answer = send(withBeginAuth(tokenRequest(token()), "alice"), true);
        assertThat(idp.received).as("with the agent").containsExactly(asked(basic("alice")), asked(basic("alice")));
        assertThat(idp.askedFor(answer)).isEqualTo(asked(basic("alice")));
        assertThat(guard.entered).as("passed untouched, not through the guard").hasValue(0);
    }

    @Test
    void requestsThatDifferOnlyInTheirBeginListenersCredentialsNeverShareAToken() throws Exception {
        String alice = send(withBeginAuth(tokenRequest(token()), "alice"), true);
        String bob = send(withBeginAuth(tokenRequest(token()), "bob"), true);
        assertThat(idp.askedFor(alice)).isEqualTo(asked(basic("alice")));
        assertThat(idp.askedFor(bob)).as("bob's token was issued for").isEqualTo(asked(basic("bob")));
    }

    /** Per-tenant client auth from a client-wide begin listener and a request attribute. */
    @Test
    void aClientWideListenersPerTenantCredentialsNeverShareAToken() throws Exception {
        http.getRequestListeners().addBeginListener(r -> {
            Object tenant = r.getAttributes().get("tenant");
            if (tenant != null) {
                r.headers(h -> h.put(HttpHeader.AUTHORIZATION, basic((String) tenant)));
            }
        });
        String alice = send(tokenRequest(token()).attribute("tenant", "alice"), true);
        assertThat(idp.askedFor(alice)).isEqualTo(asked(basic("alice")));
        String bob = send(tokenRequest(token()).attribute("tenant", "bob"), true);
        assertThat(idp.askedFor(bob)).as("bob's token was issued for").isEqualTo(asked(basic("bob")));
    }

    /** Once the client-wide listeners are cleared, identical requests are guarded again: one call upstream. */
    @Test
    void withoutAnyListenerIdenticalRequestsShareOneCall() throws Exception {
        http.getRequestListeners().addBeginListener(r -> { });
        send(tokenRequest(token()), true);
        send(tokenRequest(token()), true);
        assertThat(idp.received).as("a client-wide listener: each passes").hasSize(2);

        http.getRequestListeners().clear();
        String first = send(tokenRequest(token()), true);
        String second = send(tokenRequest(token()), true);
        assertThat(idp.received).as("no listener: the second is served from the cache").hasSize(3);
        assertThat(second).isEqualTo(first);
        assertThat(guard.faults).isEmpty();
    }

    @Test
    void theAppsRequestListenersAreNotifiedOfItsOwnUpstreamSend() throws Exception {
        List<String> bare = new CopyOnWriteArrayList<>();
        send(listening(tokenRequest(bare()), bare), false);
        List<String> guarded = new CopyOnWriteArrayList<>();
        send(listening(tokenRequest(token()), guarded), true);
        assertThat(bare).containsExactly("queued", "begin", "headers", "commit", "content", "success");
        assertThat(guarded).isEqualTo(bare);
    }

    private static Request listening(Request request, List<String> events) {
        return request.onRequestQueued(r -> events.add("queued"))
                .onRequestBegin(r -> events.add("begin"))
                .onRequestHeaders(r -> events.add("headers"))
                .onRequestCommit(r -> events.add("commit"))
                .onRequestContent((r, b) -> events.add("content"))
                .onRequestSuccess(r -> events.add("success"));
    }
}
