package io.tokenguard.agent.instrument.jetty;

import java.util.function.Predicate;
import org.eclipse.jetty.client.transport.HttpExchange;
import org.eclipse.jetty.client.transport.HttpRequest;
import org.eclipse.jetty.client.transport.ResponseListeners;
import org.eclipse.jetty.util.Promise;

/**
 * How a guarded call hears of the app's {@code abort()} at once. Jetty's {@code HttpRequest.abort}
 * records the cause, then aborts the last exchange of the request's conversation; a request the guard
 * took over is never sent, so its conversation has none and nothing would be told (no listener is
 * notified of an abort of an unsent request). This placeholder is that exchange: it is never queued,
 * sent or timed by Jetty (no destination, no listeners of its own), and it only forwards the abort.
 * It leaves the conversation before Jetty's own send of the request (the fallback), which then hears of
 * any later abort itself.
 */
final class AbortWatch extends HttpExchange {
    private final Predicate<Throwable> onAbort;

    private AbortWatch(HttpRequest request, Predicate<Throwable> onAbort) {
        super(null, request, new ResponseListeners());
        this.onAbort = onAbort;
    }

    /** Put into the request's conversation: from now on its abort calls {@code onAbort} (true: it took effect). */
    static AbortWatch install(HttpRequest request, Predicate<Throwable> onAbort) {
        return new AbortWatch(request, onAbort);
    }

    @Override
    public void abort(Throwable cause, Promise<Boolean> promise) {
        boolean took;
        try {
            took = onAbort.test(cause);
        } catch (Throwable t) {
            promise.failed(t);
            return;
        }
        promise.succeeded(took);
    }

    /** Out of the conversation, as if never there. */
    void remove() {
        getRequest().getConversation().getExchanges().remove(this);
    }
}
