package io.tokenguard.agent.instrument.jetty;

import io.tokenguard.agent.instrument.ClientContractTest;
import io.tokenguard.agent.instrument.ClientDriver;
import io.tokenguard.agent.instrument.Reply;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;

/**
 * Jetty 12's {@code Request.send(Response.CompleteListener)} with the listeners an async app registers:
 * {@code onResponseBegin}, {@code onResponseHeaders}, {@code onResponseContent} on the request, and the
 * complete listener given to send. Every answer (a cache hit and a coalesced one included) must notify
 * them in Jetty's order, with Jetty's own Response and a Result naming the app's request.
 */
class JettyAsyncContractTest extends ClientContractTest {
    @Override
    protected String clientName() {
        return "jetty";
    }

    @Override
    protected ClientDriver driver() throws Exception {
        return new JettyDriver() {
            @Override
            Reply call(Request request, Funnel send) throws Exception {
                List<String> events = new CopyOnWriteArrayList<>();
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                CompletableFuture<Result> done = new CompletableFuture<>();
                request.onResponseBegin(r -> events.add("begin"))
                        .onResponseHeaders(r -> events.add("headers"))
                        .onResponseContent((Response r, ByteBuffer b) -> {
                            synchronized (body) {
                                byte[] chunk = new byte[b.remaining()];
                                b.get(chunk);
                                body.write(chunk, 0, chunk.length);
                            }
                        })
                        .onResponseSuccess(r -> events.add("success"));
                send.send(request, result -> {
                    events.add("complete");
                    done.complete(result);
                });
                Result result = done.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                if (result.isFailed()) {
                    return Reply.failed(result.getFailure());
                }
                if (result.getRequest() != request || !events.equals(List.of("begin", "headers", "success", "complete"))) {
                    throw new AssertionError("listeners notified as " + events + " for " + result.getRequest());
                }
                String text;
                synchronized (body) {
                    text = body.toString(StandardCharsets.UTF_8);
                }
                return reply(result.getResponse(), text, result.getResponse());
            }

            @Override
            public Class<?> responseType() {
                return Response.class;
            }
        };
    }
}
