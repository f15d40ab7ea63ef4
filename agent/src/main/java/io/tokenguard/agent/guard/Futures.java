package io.tokenguard.agent.guard;

import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The seams between the guard's asynchronous core and its synchronous callers. */
final class Futures {
    private Futures() {
    }

    static <T> CompletableFuture<T> failed(Throwable t) {
        CompletableFuture<T> f = new CompletableFuture<>();
        f.completeExceptionally(t);
        return f;
    }

    /** A blocking client's upstream, run inline by the calling thread: the future is done on return. */
    static AsyncUpstream inline(Upstream upstream) {
        return () -> {
            try {
                return CompletableFuture.completedFuture(upstream.send());
            } catch (Throwable t) {
                return failed(t);
            }
        };
    }

    static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** Waits like a blocking client would: no longer than its read timeout, interruptibly. */
    static TokenHttpResponse await(CompletableFuture<TokenHttpResponse> future, long waitMillis) throws IOException {
        try {
            return future.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw FollowerFailures.interrupted();
        } catch (TimeoutException e) {
            throw FollowerFailures.timedOut();
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e.getCause());
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IOException("token request failed", cause);
        }
    }
}
