package io.tokenguard.agent.instrument.jetty;

import io.tokenguard.agent.instrument.ClientContractTest;
import io.tokenguard.agent.instrument.ClientDriver;
import io.tokenguard.agent.instrument.Reply;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.FutureResponseListener;

/**
 * Jetty 12's blocking {@code Request.send()}: what 12.0.0's send() does (a FutureResponseListener handed
 * to the funnel, the caller waiting on it; later versions use a CompletableResponseListener the same
 * way), through the adapter; the app gets Jetty's own ContentResponse, a cache hit included.
 */
class JettyContractTest extends ClientContractTest {
    @Override
    protected String clientName() {
        return "jetty";
    }

    @Override
    protected ClientDriver driver() throws Exception {
        return new JettyDriver() {
            @Override
            @SuppressWarnings("deprecation")
            Reply call(org.eclipse.jetty.client.Request request, Funnel send) throws Exception {
                FutureResponseListener listener = new FutureResponseListener(request);
                send.send(request, listener);
                ContentResponse r;
                try {
                    r = listener.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    // As Request.send(): a timeout is thrown as itself.
                    return Reply.failed(e.getCause() instanceof TimeoutException ? e.getCause() : e);
                }
                return reply(r, r.getContentAsString(), r);
            }

            @Override
            public Class<?> responseType() {
                return ContentResponse.class;
            }
        };
    }
}
