package io.tokenguard.agent.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenguard.agent.guard.GuardListener;
import io.tokenguard.agent.guard.Violation;
import java.util.concurrent.TimeUnit;

/** Feeds metrics, events and the exit summary from the guard's notifications. */
public final class Telemetry implements GuardListener {
    private final MeterRegistry registry;
    private final EventLog events;
    private final FaultReporter faults;

    public Telemetry() {
        this(new SimpleMeterRegistry());
    }

    public Telemetry(MeterRegistry registry) {
        this.registry = registry;
        this.events = new EventLog(AgentLog::raw);
        this.faults = new FaultReporter(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void onRequest(String endpoint, String grant, String client, String outcome) {
        registry.counter("tokenguard.requests", "endpoint", endpoint, "grant", grant, "outcome", outcome).increment();
    }

    @Override
    public void onUpstream(String endpoint, int status, long durationNanos) {
        Timer.builder("tokenguard.upstream.duration")
                .tag("endpoint", endpoint)
                .tag("status", Integer.toString(status))
                .register(registry)
                .record(durationNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onViolation(Violation v) {
        registry.counter("tokenguard.violations", "endpoint", v.endpoint(), "kind", v.kind(), "action", v.action())
                .increment();
        events.violation(v);
    }

    @Override
    public void onFault(String stage, Throwable error) {
        faults.report(stage, error);
    }
}
