package io.tokenguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/** Live threads of this JVM, to prove a storm leaves none behind. */
final class Threads {
    private Threads() {
    }

    static Set<Long> liveIds() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getId)
                .collect(Collectors.toSet());
    }

    /** Waits (bounded) until no thread is alive that was not alive in {@code baseline}, naming any that stay. */
    static void awaitBackTo(Set<Long> baseline) {
        // Polled on this thread: a poller thread of its own would count as a new thread.
        Awaitility.await("threads back to baseline").pollInSameThread().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.isAlive() && !baseline.contains(t.getId()))
                        .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : "")))
                        .as("threads started since the baseline and still alive").isEmpty());
    }
}
