package io.tokenguard.agent.guard;

import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/** The seams between the guard's asynchronous core and its synchronous callers. */
final class Futures {
    private Futures() {
    }

    static <T> CompletableFuture<T> failed(Throwable t) {
        CompletableFuture<T> f = new CompletableFuture<>();
        f.completeExceptionally(t);
        return f;
    }

    /** What the supplier returns, or a failed future if it throws: a store may fail either way. */
    static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> supplier) {
        try {
            return supplier.get();
        } catch (Throwable t) {
            return failed(t);
        }
    }

    /**
     * Goes on with f's value or failure (unwrapped): at once when f is done (a store in memory),
     * after waiting for it on this thread when the caller may block (it sends on this thread next;
     * uninterruptibly, as a store bounds its own waits), else on the thread that completes f. A
     * throwing {@code next} fails the returned future, whichever way it ran.
     */
    static <T, R> CompletableFuture<R> then(CompletableFuture<T> f, boolean mayBlock,
                                            BiFunction<? super T, Throwable, CompletableFuture<R>> next) {
        if (f.isDone() || mayBlock) {
            T value = null;
            Throwable failure = null;
            try {
                value = f.join();
            } catch (Throwable t) {
                failure = unwrap(t);
            }
            try {
                return next.apply(value, failure);
            } catch (Throwable t) {
                return failed(t);
            }
        }
        return f.handle((value, failure) -> next.apply(value, failure == null ? null : unwrap(failure)))
                .thenCompose(Function.identity());
    }

    /**
     * f, failed with a TimeoutException unless done within millis: CompletableFuture.orTimeout on
     * the given timer instead of the JDK's own timer thread; the deadline is dropped once f is done.
     */
    static <T> CompletableFuture<T> orTimeout(CompletableFuture<T> f, long millis, ScheduledExecutorService timer) {
        if (!f.isDone()) {
            ScheduledFuture<?> deadline = timer.schedule(() -> f.completeExceptionally(new TimeoutException()), millis,
                    TimeUnit.MILLISECONDS);
            f.whenComplete((value, failure) -> deadline.cancel(false));
        }
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

    /**
     * Waits like a blocking client would: no longer than its read timeout, and reacting to an
     * interrupt as the client does (see TokenHttpRequest#interruptible): an interruptible client
     * fails at once; otherwise, like a JDK socket read, a platform thread keeps waiting until its
     * deadline with the interrupt flag restored afterwards, a virtual thread fails "Closed by interrupt".
     */
    static TokenHttpResponse await(CompletableFuture<TokenHttpResponse> future, long waitMillis, boolean interruptible)
            throws IOException {
        long waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMillis);
        long start = System.nanoTime();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get(Math.max(0, waitNanos - (System.nanoTime() - start)), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    if (interruptible) {
                        throw FollowerFailures.interrupted();
                    }
                    if (VirtualThreads.current()) {
                        throw FollowerFailures.closedByInterrupt();
                    }
                    // get() cleared the flag: remember it, wait on, and set it again on the way out.
                    interrupted = true;
                } catch (TimeoutException e) {
                    throw FollowerFailures.timedOut();
                } catch (ExecutionException e) {
                    throw rethrow(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static IOException rethrow(Throwable failure) throws IOException {
        Throwable cause = unwrap(failure);
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
