package io.tokenguard.bootstrap;

import java.io.IOException;

/**
 * Guarantees the original request is sent at most once, whoever asks: the guard, or the fail-open
 * path after the guard broke. A second call replays the first outcome.
 */
final class OnceUpstream implements Upstream {
    private final Upstream upstream;
    private boolean sent;
    private TokenHttpResponse response;
    private IOException failure;
    private RuntimeException runtimeFailure;

    OnceUpstream(Upstream upstream) {
        this.upstream = upstream;
    }

    @Override
    public synchronized TokenHttpResponse send() throws IOException {
        if (!sent) {
            sent = true;
            try {
                response = upstream.send();
            } catch (IOException e) {
                failure = e;
            } catch (RuntimeException e) {
                runtimeFailure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
        if (runtimeFailure != null) {
            throw runtimeFailure;
        }
        return response;
    }
}
