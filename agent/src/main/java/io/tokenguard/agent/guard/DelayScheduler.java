package io.tokenguard.agent.guard;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The guard's one timer thread: it keeps the waits of asynchronous requests, those delayed for a
 * permit and followers' deadlines alike (so CompletableFuture.orTimeout, which starts a timer
 * thread of the JDK's own, is not used). Created on first use, so apps that never wait for either
 * never see it; a daemon, so it never keeps the JVM alive.
 */
final class DelayScheduler {
    private DelayScheduler() {
    }

    static ScheduledExecutorService get() {
        return Holder.SCHEDULER;
    }

    private static final class Holder {
        static final ScheduledExecutorService SCHEDULER = create();

        private static ScheduledExecutorService create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "tokenguard-delay");
                t.setDaemon(true);
                return t;
            });
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }
    }
}
