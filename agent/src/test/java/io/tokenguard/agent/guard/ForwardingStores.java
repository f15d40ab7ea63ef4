package io.tokenguard.agent.guard;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/** Stores that pass every call on: a test overrides the one call it wants to watch, hold or break. */
final class ForwardingStores {
    private ForwardingStores() {
    }

    static class Answers implements AnswerStore {
        final AnswerStore delegate;

        Answers(AnswerStore delegate) {
            this.delegate = delegate;
        }

        /** The bounded look-up goes through {@link #get(String)}, so a test that watches that one sees both. */
        @Override
        public CompletableFuture<Outcome> get(String fingerprint) {
            return delegate.get(fingerprint);
        }

        @Override
        public CompletableFuture<Void> put(String fingerprint, Outcome outcome) {
            return delegate.put(fingerprint, outcome);
        }

        @Override
        public long size() {
            return delegate.size();
        }

        @Override
        public long evictions() {
            return delegate.evictions();
        }

        @Override
        public void cleanUp() {
            delegate.cleanUp();
        }
    }

    static class Permits implements PermitStore {
        final PermitStore delegate;

        Permits(PermitStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableFuture<Permit> tryAcquire(EndpointRule rule, List<String> keys) {
            return delegate.tryAcquire(rule, keys);
        }

        @Override
        public boolean acquireWithin(EndpointRule rule, List<String> keys, long maxWaitNanos)
                throws InterruptedException {
            return delegate.acquireWithin(rule, keys, maxWaitNanos);
        }

        @Override
        public boolean acquireWithinUninterruptibly(EndpointRule rule, List<String> keys, long maxWaitNanos) {
            return delegate.acquireWithinUninterruptibly(rule, keys, maxWaitNanos);
        }

        @Override
        public CompletableFuture<Boolean> acquireLater(EndpointRule rule, List<String> keys, long maxWaitNanos,
                                                       ScheduledExecutorService timer) {
            return delegate.acquireLater(rule, keys, maxWaitNanos, timer);
        }

        @Override
        public CompletableFuture<Void> refund(EndpointRule rule, List<String> keys) {
            return delegate.refund(rule, keys);
        }

        @Override
        public long size() {
            return delegate.size();
        }

        @Override
        public void cleanUp() {
            delegate.cleanUp();
        }
    }

    static class Cooldowns implements CooldownStore {
        final CooldownStore delegate;

        Cooldowns(CooldownStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableFuture<Void> start(List<String> keys, String kind, TokenHttpResponse providerAnswer,
                                             long durationNanos) {
            return delegate.start(keys, kind, providerAnswer, durationNanos);
        }

        @Override
        public CompletableFuture<Cooldown> current(List<String> keys) {
            return delegate.current(keys);
        }
    }
}
