package io.tokenguard.bootstrap.adapter;

import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.util.concurrent.CompletableFuture;

/** The asynchronous twin of {@link OnceUpstream}: the request is sent at most once, whoever asks. */
public final class OnceAsyncUpstream implements AsyncUpstream {
    private final AsyncUpstream upstream;
    private CompletableFuture<TokenHttpResponse> sent;

    public OnceAsyncUpstream(AsyncUpstream upstream) {
        this.upstream = upstream;
    }

    @Override
    public synchronized CompletableFuture<TokenHttpResponse> send() {
        if (sent == null) {
            try {
                sent = upstream.send();
            } catch (Throwable t) {
                sent = new CompletableFuture<>();
                sent.completeExceptionally(t);
            }
        }
        return sent;
    }

    public synchronized boolean wasSent() {
        return sent != null;
    }
}
