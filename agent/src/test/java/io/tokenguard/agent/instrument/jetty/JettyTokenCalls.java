package io.tokenguard.agent.instrument.jetty;

import io.tokenguard.agent.instrument.ContractGuard;
import io.tokenguard.agent.instrument.LoopbackIdp;
import io.tokenguard.agent.instrument.RecordingIdp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.FutureResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A started HttpClient, a {@link RecordingIdp} (who each token was issued for) and the contract guard
 * on its token path; requests sent as the patched {@code HttpRequest.send(listener)} sends them.
 */
abstract class JettyTokenCalls {
    static final String FORM = "grant_type=client_credentials";

    RecordingIdp idp;
    ContractGuard guard;
    HttpClient http;

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

    URI token() {
        return idp.uri(LoopbackIdp.TOKEN_PATH);
    }

    URI bare() {
        return idp.uri(LoopbackIdp.BARE_PATH);
    }

    static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + user + "-pw").getBytes(StandardCharsets.UTF_8));
    }

    /** What the IdP records for a token request with this Authorization. */
    static String asked(String authorization) {
        return FORM + " | " + authorization;
    }

    Request tokenRequest(URI uri) {
        return http.newRequest(uri).method(HttpMethod.POST).timeout(10, TimeUnit.SECONDS)
                .body(new StringRequestContent("application/x-www-form-urlencoded", FORM));
    }

    /** The funnel, patched (guarded) or not. */
    static void send(Request request, Response.CompleteListener listener, boolean guarded) {
        if (!guarded || JettyAdapter.send(request, listener) == null) {
            request.send(listener);
        }
    }

    /** Request.send() as Jetty 12.0.0 does it; the body of the answer. */
    @SuppressWarnings("deprecation")
    static String send(Request request, boolean guarded) throws Exception {
        FutureResponseListener listener = new FutureResponseListener(request);
        send(request, listener, guarded);
        ContentResponse r = listener.get(20, TimeUnit.SECONDS);
        return r.getContentAsString();
    }
}
