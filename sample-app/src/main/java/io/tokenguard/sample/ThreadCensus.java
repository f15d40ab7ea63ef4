package io.tokenguard.sample;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The threads alive when the app starts its work, so its result can name every thread started
 * since then that is still alive once all workers have ended: how a test sees whether anything
 * (an agent, say) leaves threads behind.
 */
final class ThreadCensus {
    private final Set<Thread> baseline = Collections.newSetFromMap(new IdentityHashMap<>());

    ThreadCensus() {
        baseline.addAll(Thread.getAllStackTraces().keySet());
    }

    /** Names of live threads that were not alive at the census, sorted. */
    List<String> startedSinceAndAlive() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && !baseline.contains(t)) {
                names.add(t.getName());
            }
        }
        Collections.sort(names);
        return names;
    }
}
