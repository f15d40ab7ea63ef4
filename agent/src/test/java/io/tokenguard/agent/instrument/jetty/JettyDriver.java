package io.tokenguard.agent.instrument.jetty;

import io.tokenguard.agent.instrument.ClientDriver;
import io.tokenguard.agent.instrument.Reply;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpMethod;

/**
 * Jetty 12 for the contract suite: one started HttpClient, each request sent through the adapter as the
 * patched {@code HttpRequest.send(listener)} calls it (a null answer: Jetty's own send goes on), or
 * straight to Jetty (bare). A subclass says how the app sends: blocking or with its own listeners.
 */
abstract class JettyDriver implements ClientDriver {
    final HttpClient http = new HttpClient();
    private final JettyAdapter adapter = new JettyAdapter();

    JettyDriver() throws Exception {
        http.start();
    }

    /** Sends as the app does; {@code send} is the funnel, patched or not. */
    abstract Reply call(Request request, Funnel send) throws Exception;

    /** HttpRequest.send(listener), with or without the agent's patch in front. */
    interface Funnel {
        void send(Request request, Response.CompleteListener listener);
    }

    @Override
    public Reply post(URL url, String form, int timeoutMillis, boolean guarded) throws Exception {
        // The form as the app wrote it (FormRequestContent would reorder its fields).
        Request request = http.newRequest(url.toURI()).method(HttpMethod.POST)
                .body(new StringRequestContent("application/x-www-form-urlencoded", form));
        if (timeoutMillis > 0) {
            request.timeout(timeoutMillis, TimeUnit.MILLISECONDS);
        }
        return call(request, funnel(guarded));
    }

    @Override
    public Reply get(URL url, boolean guarded) throws Exception {
        return call(http.newRequest(url.toURI()).timeout(10, TimeUnit.SECONDS), funnel(guarded));
    }

    private Funnel funnel(boolean guarded) {
        return (request, listener) -> {
            if (!guarded || adapter.enter(request, listener, null, null, null, null, null) == null) {
                request.send(listener);
            }
        };
    }

    static Reply reply(Response r, String body, Object response) {
        List<String> headers = new ArrayList<>();
        for (HttpField f : r.getHeaders()) {
            headers.add(f.getName());
            headers.add(f.getValue());
        }
        return Reply.of(r.getStatus(), headers, body, response);
    }

    @Override
    public void close() throws Exception {
        http.stop();
    }
}
