package io.tokenguard.agent.instrument.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a tracing agent sees: who hands each task to the loop. OpenTelemetry's carries the context of
 * whatever thread calls {@code execute}; here that must never be the caller (the loop itself, inside the
 * library's write, under the token request's span), only the hand-off thread, which has none.
 */
class LoopHandOffTest {
    private final List<String> submitters = new CopyOnWriteArrayList<>();
    private final DefaultEventLoop loop = new DefaultEventLoop() {
        @Override
        public void execute(Runnable task) {
            submitters.add(Thread.currentThread().getName());
            super.execute(task);
        }
    };

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Test
    void tasksFromTheLoopAndFromAppThreadsReachItFromTheHandOffThreadInOrder() throws Exception {
        int n = 200;
        List<Integer> ran = new CopyOnWriteArrayList<>();
        List<String> ranOn = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(n);
        CountDownLatch queued = new CountDownLatch(1);
        // Half queued by the loop itself (as the exchange does from the library's write), half by an app thread.
        loop.submit(() -> {
            for (int i = 0; i < n / 2; i++) {
                int k = i;
                LoopHandOff.execute(loop, () -> {
                    ran.add(k);
                    ranOn.add(Thread.currentThread().getName());
                    done.countDown();
                });
            }
            // None ran inline: the loop is still busy with this task.
            assertThat(ran).isEmpty();
            queued.countDown();
        });
        assertThat(queued.await(5, TimeUnit.SECONDS)).isTrue();
        for (int i = n / 2; i < n; i++) {
            int k = i;
            LoopHandOff.execute(loop, () -> {
                ran.add(k);
                ranOn.add(Thread.currentThread().getName());
                done.countDown();
            });
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(ran).hasSize(n).isSorted();
        String loopThread = ranOn.get(0);
        assertThat(ranOn).containsOnly(loopThread);
        // The first execute is the test's own submit (from JUnit's thread); every other came from the hand-off.
        assertThat(submitters.subList(1, submitters.size())).hasSize(n).containsOnly("tokenguard-netty-handoff");
    }

    @Test
    void aTaskForALoopThatHasShutDownIsDroppedAndTheHandOffGoesOn() throws Exception {
        DefaultEventLoop gone = new DefaultEventLoop();
        gone.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        LoopHandOff.execute(gone, () -> {
            throw new AssertionError("ran on a loop that had shut down");
        });
        CountDownLatch after = new CountDownLatch(1);
        LoopHandOff.execute(loop, after::countDown);
        assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
    }
}
