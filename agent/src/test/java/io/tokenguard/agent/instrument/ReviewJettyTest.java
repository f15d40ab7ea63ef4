package io.tokenguard.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.instrument.jetty.JettyAdapter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.FutureResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Review of the Jetty 12 adapter: the upstream send is a hand-built copy of the app's request, and the
 * guard's key is read before Jetty runs the request's own listeners.
 */
class ReviewJettyTest {
    private static final String FORM = "grant_type=client_credentials";

    private RecordingIdp idp;
    private ContractGuard guard;
    private HttpClient http;

    @BeforeEach
    void start() throws Exception {
        idp = new RecordingIdp();
        guard = new ContractGuard(LoopbackIdp.TOKEN_PATH);
        http = new HttpClient();
        http.start();
    }

    @AfterEach
    void stop() throws Exception {
        idp.release();
        http.stop();
        guard.close();
        idp.close();
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + user + "-pw").getBytes(StandardCharsets.UTF_8));
    }

    private Request tokenRequest(URI uri) {
        return http.newRequest(uri).method(HttpMethod.POST).timeout(10, TimeUnit.SECONDS)
                .body(new StringRequestContent("application/x-www-form-urlencoded", FORM));
    }

    /** Request.send() as Jetty 12.0.0 does it, through the patched funnel when guarded. */
    @SuppressWarnings("deprecation")
    private static String send(Request request, boolean guarded) throws Exception {
        FutureResponseListener listener = new FutureResponseListener(request);
        if (!guarded || JettyAdapter.send(request, listener) == null) {
            request.send(listener);
        }
        ContentResponse r = listener.get(20, TimeUnit.SECONDS);
        return r.getContentAsString();
    }

    /** Jetty's documented place for a last change to a request: its begin listener (here, client auth per call). */
    private Request withBeginAuth(Request request, String user) {
        return request.onRequestBegin(r -> r.headers(h -> h.put(HttpHeader.AUTHORIZATION, basic(user))));
    }

    @Test
    void aBeginListenersAuthorizationReachesTheIdp() throws Exception {
        send(withBeginAuth(tokenRequest(idp.uri(LoopbackIdp.BARE_PATH)), "alice"), false);
        assertThat(idp.received).as("without the agent").containsExactly(FORM + " | " + basic("alice"));

        String answer = send(withBeginAuth(tokenRequest(idp.uri(LoopbackIdp.TOKEN_PATH)), "alice"), true);
        assertThat(idp.received).as("with the agent")
                .containsExactly(FORM + " | " + basic("alice"), FORM + " | " + basic("alice"));
        assertThat(idp.askedFor(answer)).isEqualTo(FORM + " | " + basic("alice"));
    }

    @Test
    void requestsThatDifferOnlyInTheirBeginListenersCredentialsNeverShareAToken() throws Exception {
        URI token = idp.uri(LoopbackIdp.TOKEN_PATH);
        send(withBeginAuth(tokenRequest(token), "alice"), true);
        String bob = send(withBeginAuth(tokenRequest(token), "bob"), true);
        assertThat(idp.askedFor(bob)).as("bob's token was issued for").isEqualTo(FORM + " | " + basic("bob"));
    }

    /**
     * Per-tenant client auth from a client-wide begin listener (it runs for the adapter's copy too, which
     * carries the attributes): the key sees neither the listener's header nor the attribute.
     */
    @Test
    void aClientWideListenersPerTenantCredentialsNeverShareAToken() throws Exception {
        http.getRequestListeners().addBeginListener(r -> {
            Object tenant = r.getAttributes().get("tenant");
            if (tenant != null) {
                r.headers(h -> h.put(HttpHeader.AUTHORIZATION, basic((String) tenant)));
            }
        });
        URI token = idp.uri(LoopbackIdp.TOKEN_PATH);
        String alice = send(tokenRequest(token).attribute("tenant", "alice"), true);
        assertThat(idp.askedFor(alice)).isEqualTo(FORM + " | " + basic("alice"));
        String bob = send(tokenRequest(token).attribute("tenant", "bob"), true);
        assertThat(idp.askedFor(bob)).as("bob's token was issued for").isEqualTo(FORM + " | " + basic("bob"));
    }

    /**
     * The AuthenticationStore is a source by identity only: the credentials it answers a challenge with
     * can change while it stays the same object.
     */
    @Test
    void anAuthenticationStoreWhoseCredentialsChangedNeverServesTheOldUsersToken() throws Exception {
        idp.challenge = true;
        URI token = idp.uri(LoopbackIdp.TOKEN_PATH);
        org.eclipse.jetty.client.AuthenticationStore store = http.getAuthenticationStore();
        org.eclipse.jetty.client.BasicAuthentication aliceAuth =
                new org.eclipse.jetty.client.BasicAuthentication(idp.uri("/"), "idp", "alice", "alice-pw");
        store.addAuthentication(aliceAuth);
        String alice = send(tokenRequest(token), true);
        assertThat(idp.askedFor(alice)).isEqualTo(FORM + " | " + basic("alice"));

        // The app switches the client to bob.
        store.clearAuthenticationResults();
        store.removeAuthentication(aliceAuth);
        store.addAuthentication(new org.eclipse.jetty.client.BasicAuthentication(idp.uri("/"), "idp", "bob", "bob-pw"));
        send(tokenRequest(idp.uri(LoopbackIdp.BARE_PATH)), false);
        assertThat(idp.received).as("without the agent bob authenticates").endsWith(FORM + " | " + basic("bob"));
        // As right after the switch (the bare call left a preemptive result for bob behind).
        store.clearAuthenticationResults();

        String bob = send(tokenRequest(token), true);
        assertThat(idp.askedFor(bob)).as("bob's token was issued for").isEqualTo(FORM + " | " + basic("bob"));
    }

    @Test
    void theAppsRequestListenersAreNotifiedOfItsOwnUpstreamSend() throws Exception {
        List<String> bare = new CopyOnWriteArrayList<>();
        send(listening(tokenRequest(idp.uri(LoopbackIdp.BARE_PATH)), bare), false);
        List<String> guarded = new CopyOnWriteArrayList<>();
        send(listening(tokenRequest(idp.uri(LoopbackIdp.TOKEN_PATH)), guarded), true);
        assertThat(bare).containsExactly("queued", "begin", "headers", "commit", "content", "success");
        assertThat(guarded).as("the leader's own upstream send").isEqualTo(bare);
    }

    private static Request listening(Request request, List<String> events) {
        return request.onRequestQueued(r -> events.add("queued"))
                .onRequestBegin(r -> events.add("begin"))
                .onRequestHeaders(r -> events.add("headers"))
                .onRequestCommit(r -> events.add("commit"))
                .onRequestContent((r, b) -> events.add("content"))
                .onRequestSuccess(r -> events.add("success"));
    }

    @Test
    void anAbortedRequestFailsAsWithoutTheAgent() throws Exception {
        idp.hold();
        Result bare = abortWhileAtTheIdp(idp.uri(LoopbackIdp.BARE_PATH), false, 1);
        assertThat(bare).as("without the agent: failed at once").isNotNull();
        assertThat(bare.isFailed()).isTrue();

        Result guarded = abortWhileAtTheIdp(idp.uri(LoopbackIdp.TOKEN_PATH), true, 2);
        assertThat(guarded).as("with the agent: the app's listener is completed after its abort").isNotNull();
        assertThat(guarded.isFailed()).as(String.valueOf(guarded)).isTrue();
    }

    /** Sends, aborts once the IdP has it, and returns the Result the app's listener got within 3 s (or null). */
    private Result abortWhileAtTheIdp(URI uri, boolean guarded, int atIdp) throws Exception {
        Request request = tokenRequest(uri);
        CompletableFuture<Result> done = new CompletableFuture<>();
        org.eclipse.jetty.client.Response.CompleteListener listener = done::complete;
        if (!guarded || JettyAdapter.send(request, listener) == null) {
            request.send(listener);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> idp.received.size() == atIdp);
        request.abort(new Exception("the app gave up"));
        try {
            return done.get(3, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        }
    }
}
