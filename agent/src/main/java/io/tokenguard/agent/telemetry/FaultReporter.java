package io.tokenguard.agent.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Swallowed internal faults: counted every time, logged once per stage. Only the exception type
 * and the frame that threw are printed: messages of parse errors can quote request bodies.
 */
final class FaultReporter {
    private final MeterRegistry registry;
    private final Set<String> loggedStages = ConcurrentHashMap.newKeySet();

    FaultReporter(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts the fault; true the first time in this stage (it was logged, an event should follow). */
    boolean report(String stage, Throwable error) {
        Counter.builder("tokenguard.agent.errors").tag("stage", stage)
                .description("Internal faults TokenGuard swallowed, by stage; each time the request went through"
                        + " untouched")
                .register(registry).increment();
        if (loggedStages.add(stage)) {
            StackTraceElement[] frames = error.getStackTrace();
            String where = frames.length == 0 ? "unknown frame" : frames[0].toString();
            AgentLog.warn("internal fault in stage '" + stage + "' (" + error.getClass().getName() + " at " + where
                    + "); the request went through untouched. Further faults in this stage are counted"
                    + " (tokenguard.agent.errors), not logged.");
            return true;
        }
        return false;
    }
}
