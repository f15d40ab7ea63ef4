package io.tokenguard.agent.guard;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * Stores that answer later, on a thread of their own, like a remote store over one connection:
 * every call is carried out there, in the order it was made, and its future completes there. Run
 * under the guard tests, it proves that the guard never needs a store to answer at once: blocking
 * callers wait on their own thread, asynchronous ones go on when the answer comes.
 */
final class DeferredStores {
    /** One thread for all, started before any test looks at the threads it started. */
    private static final ThreadPoolExecutor CONNECTION = connection();

    private DeferredStores() {
    }

    private static ThreadPoolExecutor connection() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "deferred-store");
                    t.setDaemon(true);
                    return t;
                });
        executor.prestartAllCoreThreads();
        return executor;
    }

    /**
     * Waits until every store call made so far, and every call those made in turn, was carried out:
     * a test that needs requests to be waiting (joined) before it lets an answer land calls this, as
     * a remote store's requests are not waiting until their look-ups came back. A no-op when no
     * deferred store is in use.
     */
    static void awaitIdle() {
        do {
            CompletableFuture<Void> marker = new CompletableFuture<>();
            CONNECTION.execute(() -> marker.complete(null));
            marker.join();
        } while (!CONNECTION.getQueue().isEmpty());
    }

    static GuardStores of(GuardStores stores) {
        return new GuardStores(new Answers(stores.answers), new Permits(stores.permits),
                new Cooldowns(stores.cooldowns));
    }

    private static <T> CompletableFuture<T> later(Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        CONNECTION.execute(() -> Futures.call(call).whenComplete((value, failure) -> {
            if (failure != null) {
                answer.completeExceptionally(Futures.unwrap(failure));
            } else {
                answer.complete(value);
            }
        }));
        return answer;
    }

    private static final class Answers extends ForwardingStores.Answers {
        Answers(AnswerStore delegate) {
            super(delegate);
        }

        @Override
        public CompletableFuture<Outcome> get(String fingerprint) {
            return later(() -> delegate.get(fingerprint));
        }

        @Override
        public CompletableFuture<Void> put(String fingerprint, Outcome outcome) {
            return later(() -> delegate.put(fingerprint, outcome));
        }
    }

    private static final class Permits extends ForwardingStores.Permits {
        Permits(PermitStore delegate) {
            super(delegate);
        }

        @Override
        public CompletableFuture<Permit> tryAcquire(EndpointRule rule, List<String> keys) {
            return later(() -> delegate.tryAcquire(rule, keys));
        }

        @Override
        public CompletableFuture<Boolean> acquireLater(EndpointRule rule, List<String> keys, long maxWaitNanos,
                                                       ScheduledExecutorService timer) {
            return later(() -> delegate.acquireLater(rule, keys, maxWaitNanos, timer));
        }

        @Override
        public CompletableFuture<Void> refund(EndpointRule rule, List<String> keys) {
            return later(() -> delegate.refund(rule, keys));
        }
    }

    private static final class Cooldowns extends ForwardingStores.Cooldowns {
        Cooldowns(CooldownStore delegate) {
            super(delegate);
        }

        @Override
        public CompletableFuture<Void> start(List<String> keys, String kind, TokenHttpResponse providerAnswer,
                                             long durationNanos) {
            return later(() -> delegate.start(keys, kind, providerAnswer, durationNanos));
        }

        @Override
        public CompletableFuture<Cooldown> current(List<String> keys) {
            return later(() -> delegate.current(keys));
        }
    }
}
