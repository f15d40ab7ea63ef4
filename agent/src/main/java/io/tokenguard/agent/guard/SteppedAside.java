package io.tokenguard.agent.guard;

/**
 * How a leader tells the requests that joined it that it stepped aside after an internal fault:
 * each of them then sends its own request, exactly as it would without TokenGuard. Never reaches
 * the app; one shared instance without a stack trace, it only ever travels through futures.
 */
final class SteppedAside extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final SteppedAside INSTANCE = new SteppedAside();

    private SteppedAside() {
        super("the leading request stepped aside", null, false, false);
    }
}
