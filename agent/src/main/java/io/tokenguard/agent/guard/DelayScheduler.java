package io.tokenguard.agent.guard;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one timer thread for delayed asynchronous requests, created on first use so apps that never
 * delay a request never see it; a daemon, so it never keeps the JVM alive.
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
