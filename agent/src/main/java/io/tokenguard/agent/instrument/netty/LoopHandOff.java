package io.tokenguard.agent.instrument.netty;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Queues tasks on a channel's event loop from a thread no tracing context is ever current on.
 *
 * <p>Tracing agents (OpenTelemetry's) carry the submitting thread's context into whatever an executor
 * runs, and they cover all of Netty's ways in: {@code execute}, {@code schedule}, and {@code lazyExecute}
 * through {@code addTask}. The exchange queues the guard's turn from inside the library's write, where
 * the token request's CLIENT span is current, and fires the answer inbound from that turn. Under that
 * span the answer made it the parent of everything the app did in its callbacks, and OpenTelemetry
 * drops a client span opened inside another: a Vert.x request handed the pooled connection from within
 * the answer went untraced. Netty's own reads run under no context, and so do tasks queued from here,
 * and what they queue in turn. A task queued here runs after whatever the loop queues meanwhile: only for
 * tasks whose place among the loop's own does not matter.
 *
 * <p>One daemon thread, created on first use (apps without a guarded Netty client never see it), and a
 * plain queue, which no agent instruments. Tasks of one caller reach the loop in the order given.
 */
final class LoopHandOff {
    private static final BlockingQueue<Pending> QUEUE = new LinkedBlockingQueue<>();

    private LoopHandOff() {
    }

    /** The task runs on the loop, after what the loop is doing, under no context of the caller's. */
    static void execute(EventExecutor loop, Runnable task) {
        if (Relay.STARTED) {
            QUEUE.add(new Pending(loop, task));
        } else {
            // The thread could not start (a JVM out of threads): the task still runs, as it did before.
            loop.execute(task);
        }
    }

    private static final class Pending {
        final EventExecutor loop;
        final Runnable task;

        Pending(EventExecutor loop, Runnable task) {
            this.loop = loop;
            this.task = task;
        }
    }

    private static final class Relay {
        static final boolean STARTED = start();

        private static boolean start() {
            try {
                Thread t = new Thread(Relay::run, "tokenguard-netty-handoff");
                t.setDaemon(true);
                t.start();
                return true;
            } catch (Throwable e) {
                return false;
            }
        }

        private static void run() {
            while (true) {
                Pending p;
                try {
                    p = QUEUE.take();
                } catch (InterruptedException e) {
                    // Nobody interrupts this thread but a JVM going down: keep relaying while it lasts.
                    continue;
                }
                try {
                    p.loop.execute(p.task);
                } catch (Throwable e) {
                    // The loop has shut down (RejectedExecutionException): its channels are gone, and the
                    // task with them, as it would have been queued there a moment earlier.
                }
            }
        }
    }
}
