package io.tokenguard.agent.guard;

import java.util.concurrent.CancellationException;

/**
 * How a leader tells the requests that joined it that it stepped aside after an internal fault:
 * each of them then sends its own request, exactly as it would without TokenGuard. Never reaches
 * the app; one shared instance without a stack trace, it only ever travels through futures. A
 * CancellationException because that is what the token cache (Caffeine) drops silently: any other
 * failure of an entry it logs as a warning with a stack trace, once per request.
 */
final class SteppedAside extends CancellationException {
    private static final long serialVersionUID = 1L;
    static final SteppedAside INSTANCE = new SteppedAside();

    private SteppedAside() {
        super("the leading request stepped aside");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
