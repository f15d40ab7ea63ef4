package io.tokenguard.agent.telemetry;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.UserTag;
import io.tokenguard.agent.fleet.FleetListener;
import io.tokenguard.agent.guard.GuardListener;
import io.tokenguard.agent.guard.RequestEvent;
import io.tokenguard.agent.guard.ThrottleDelayEvent;
import io.tokenguard.agent.guard.TokenCacheStats;
import io.tokenguard.agent.guard.UpstreamEvent;
import io.tokenguard.agent.guard.Violation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Feeds metrics, events and the exit summary from the guard's notifications. Meters are recorded
 * into a composite: an in-process registry that the exit summary and the JSON report read, plus
 * the exporters the settings turn on (JMX by default, Prometheus on request).
 */
public final class Telemetry implements GuardListener, FleetListener, AutoCloseable {
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry(Clock.SYSTEM);
    private final SimpleMeterRegistry summary = new SimpleMeterRegistry();
    private final EventLog events;
    private final FaultReporter faults;
    private final GuardMeters meters;
    private final FleetMeters fleetMeters;
    private final List<AutoCloseable> exporters = new CopyOnWriteArrayList<>();
    private final Timeline timeline = new Timeline();
    private final CallSiteTally callSites = new CallSiteTally();
    /** The per-second timeline is fed only for the HTML report, its one reader. */
    private final boolean timelineWanted;
    private final boolean jmxWanted;
    private boolean jmxStarted;
    private final Verdict verdict;

    /** In-process registry only, events on stderr: for tests. */
    public Telemetry() {
        this.meters = new GuardMeters(registry, summary, false, 100);
        this.fleetMeters = new FleetMeters(registry);
        this.registry.add(summary);
        this.events = new EventLog(AgentLog::raw, new EventRate(Duration.ofSeconds(60), 20, 10_000,
                Ticker.systemTicker()));
        this.faults = new FaultReporter(registry);
        this.jmxWanted = false;
        this.timelineWanted = true;
        this.verdict = new Verdict(summary, callSites, "enforce");
    }

    private Telemetry(AgentSettings settings) {
        this.meters = new GuardMeters(registry, summary, settings.userTag() == UserTag.HASHED, settings.maxTagValues());
        this.fleetMeters = new FleetMeters(registry);
        this.registry.add(summary);
        this.events = new EventLog(EventSink.open(settings.eventsFile()), new EventRate(settings.eventsInterval(),
                settings.eventsMaxPerSecond(), settings.cacheMaxEntries(), Ticker.systemTicker()));
        this.faults = new FaultReporter(registry);
        this.jmxWanted = settings.metricsJmx();
        this.timelineWanted = settings.reportHtml() != null;
        String mode = settings.mode().tag();
        this.verdict = new Verdict(summary, callSites, mode);
        if (settings.prometheusPort() > 0) {
            add(Exporters.prometheus(registry, settings.prometheusHost(), settings.prometheusPort(), verdict));
        }
        if (settings.otlpEndpoint() != null) {
            add(OtlpExporter.start(registry, settings.otlpEndpoint(), settings.otlpInterval()));
        }
        meters.buildInfo(version(), mode);
    }

    /** The agent jar's Implementation-Version; "unknown" when run from classes (tests). */
    static String version() {
        String v = Telemetry.class.getPackage() == null ? null : Telemetry.class.getPackage().getImplementationVersion();
        return v == null || v.isEmpty() ? "unknown" : v;
    }

    /**
     * Telemetry with the event destination and the Prometheus endpoint the settings ask for; JMX
     * follows with {@link #startJmx()} (at the first token request).
     */
    public static Telemetry start(AgentSettings settings) {
        return new Telemetry(settings);
    }

    /** Publishes the meters over JMX when the settings want it; once, later calls do nothing. */
    public synchronized void startJmx() {
        if (jmxWanted && !jmxStarted) {
            jmxStarted = true;
            add(Exporters.jmx(registry));
            add(verdict.publish());
        }
    }

    private void add(AutoCloseable exporter) {
        if (exporter != null) {
            exporters.add(exporter);
        }
    }

    /** Where meters are recorded: every exporter sees them. */
    /** Violations per app call site, for the reports. */
    public CallSiteTally callSites() {
        return callSites;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Per-second counts for the HTML report, fed from this telemetry's own notifications. */
    public Timeline timeline() {
        return timeline;
    }

    /** The in-process copy of the meters, the source of the exit summary and the report. */
    public MeterRegistry summaryRegistry() {
        return summary;
    }

    @Override
    public void onRequest(RequestEvent request) {
        meters.request(request.endpoint(), request.grant(), request.httpClient(), request.subjectHash(),
                request.outcome());
        if (timelineWanted) {
            timeline.onRequest(request);
        }
    }

    @Override
    public void onUpstream(UpstreamEvent call) {
        meters.upstream(call.endpoint(), call.httpClient(), call.status(), call.durationNanos(),
                call.upstreamLastMinute());
        if (timelineWanted) {
            timeline.onUpstream(call);
        }
    }

    @Override
    public void onViolation(Violation v) {
        meters.violation(v);
        callSites.record(v);
        events.violation(v);
        if (timelineWanted) {
            timeline.onViolation(v);
        }
    }

    @Override
    public void onCooldownStart(Violation v) {
        events.cooldown(v);
    }

    @Override
    public void onThrottleDelay(ThrottleDelayEvent delay) {
        meters.throttleDelay(delay.endpoint(), delay.httpClient(), delay.waitedNanos(), delay.granted());
    }

    @Override
    public void onTokenCache(TokenCacheStats stats) {
        meters.tokenCache(stats);
    }

    @Override
    public void onFault(String stage, Throwable error) {
        if (faults.report(stage, error)) {
            events.fault(stage, error);
        }
    }

    /** Fleet mode: the breaker's state as the tokenguard.fleet.state gauge. */
    public void fleetState(BooleanSupplier fleet) {
        fleetMeters.state(fleet);
    }

    // Fleet mode's notifications: fenced like the rest of the telemetry, the numbers may be lost, nothing else.

    @Override
    public void onFleetState(boolean fleet, String why) {
        try {
            events.fleet(fleet, why);
        } catch (Throwable t) {
            onFault("telemetry", t);
        }
    }

    @Override
    public void onRedisCall(String op, boolean ok, long nanos) {
        try {
            fleetMeters.redisCall(op, ok, nanos);
        } catch (Throwable t) {
            onFault("telemetry", t);
        }
    }

    @Override
    public void onLeaseWait(String outcome, long nanos) {
        try {
            fleetMeters.leaseWait(outcome, nanos);
        } catch (Throwable t) {
            onFault("telemetry", t);
        }
    }

    @Override
    public void onSecondLevelHit() {
        try {
            fleetMeters.secondLevelHit();
        } catch (Throwable t) {
            onFault("telemetry", t);
        }
    }

    @Override
    public void onFleetFault(Throwable error) {
        onFault("fleet", error);
    }

    /** Stops the exporters and closes the events file; the in-process meters stay readable. */
    @Override
    public void close() {
        for (AutoCloseable exporter : exporters) {
            try {
                exporter.close();
            } catch (Exception ignored) {
                // Exporters are best effort.
            }
        }
        exporters.clear();
        events.close();
    }
}
