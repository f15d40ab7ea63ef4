package io.tokenguard.agent;

import io.tokenguard.agent.catalog.EndpointCatalog;
import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.guard.Guard;
import io.tokenguard.agent.telemetry.Telemetry;
import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.TestFaults;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import io.tokenguard.bootstrap.UrlString;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the bridge calls. Matching is ready from the start; the guard and its telemetry are built
 * on the first token request, so apps that never ask for a token pay nothing for them.
 */
final class TokenGuardDelegate implements GuardDelegate {
    private final AgentSettings settings;
    private final EndpointCatalog catalog;
    /** TestFaults stages armed by tokenguard.test.fail-stage (tests only); 0 in production. */
    private final int testFaults;
    private volatile Telemetry telemetry;
    private volatile Guard guard;

    TokenGuardDelegate(AgentSettings settings) {
        this.settings = settings;
        this.catalog = settings.catalog();
        this.testFaults = TestFaults.mask(settings.testFailStages());
    }

    /** Fail-open here, not in each caller: a fault in matching means "not a token endpoint" for every adapter. */
    @Override
    public boolean isTokenEndpoint(String scheme, String host, int port, String path) {
        try {
            return match(scheme, host, port, path) != null;
        } catch (Throwable t) {
            fault("match", t);
            return false;
        }
    }

    /** Rules the common "no" out from the String's path region first (allocation-free), then splits it. */
    @Override
    public boolean isTokenEndpoint(String absoluteUrl) {
        try {
            int from = UrlString.pathStart(absoluteUrl);
            if (from < 0 || !catalog.mayMatchPath(absoluteUrl, from, UrlString.pathEnd(absoluteUrl, from))) {
                return false;
            }
            return UrlString.isTokenEndpoint(this, absoluteUrl);
        } catch (Throwable t) {
            fault("match", t);
            return false;
        }
    }

    /** A target with a query: its path region rules the common "no" out in place, else the path is cut off. */
    @Override
    public boolean isTokenEndpointTarget(String scheme, String host, int port, String requestTarget) {
        try {
            int end = UrlString.pathEnd(requestTarget, 0);
            if (end == requestTarget.length()) {
                return match(scheme, host, port, requestTarget) != null;
            }
            return catalog.mayMatchPath(requestTarget, 0, end)
                    && match(scheme, host, port, requestTarget.substring(0, end)) != null;
        } catch (Throwable t) {
            fault("match", t);
            return false;
        }
    }

    private EndpointRule match(String scheme, String host, int port, String path) {
        TestFaults.fire(testFaults, TestFaults.MATCH);
        return catalog.match(scheme, host, port, path);
    }

    @Override
    public int captureMaxBytes() {
        return settings.captureMaxBytes();
    }

    @Override
    public long bodyWaitMillis() {
        return settings.captureBodyWait().toMillis();
    }

    @Override
    public TokenHttpResponse exchange(TokenHttpRequest request, Upstream upstream) throws IOException {
        EndpointRule rule = ruleFor(request);
        if (rule == null) {
            return upstream.send();
        }
        try {
            return guard().exchange(rule, request, upstream);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            fault("guard", t);
            return upstream.send();
        }
    }

    @Override
    public CompletableFuture<TokenHttpResponse> exchangeAsync(TokenHttpRequest request, AsyncUpstream upstream) {
        EndpointRule rule = ruleFor(request);
        if (rule == null) {
            return upstream.send();
        }
        try {
            return guard().exchangeAsync(rule, request, upstream);
        } catch (Throwable t) {
            fault("guard", t);
            return upstream.send();
        }
    }

    /** The rule guarding this request, or null (then it goes upstream untouched, also after a fault here). */
    private EndpointRule ruleFor(TokenHttpRequest request) {
        try {
            return match(request.url().getProtocol(), request.url().getHost(), request.url().getPort(),
                    request.url().getPath());
        } catch (Throwable t) {
            fault("match", t);
            return null;
        }
    }

    @Override
    public void fault(String stage, Throwable error) {
        try {
            telemetry().onFault(stage, error);
        } catch (Throwable ignored) {
            // Reporting a fault must never become one.
        }
    }

    Optional<Telemetry> telemetryIfStarted() {
        return Optional.ofNullable(telemetry);
    }

    /** Starts the telemetry now rather than at the first token request (for a scrape endpoint). */
    void startTelemetry() {
        telemetry();
    }

    private Telemetry telemetry() {
        Telemetry t = telemetry;
        if (t == null) {
            synchronized (this) {
                t = telemetry;
                if (t == null) {
                    t = Telemetry.start(settings);
                    telemetry = t;
                }
            }
        }
        return t;
    }

    private Guard guard() {
        Guard g = guard;
        if (g == null) {
            synchronized (this) {
                g = guard;
                if (g == null) {
                    Telemetry t = telemetry();
                    t.startJmx();
                    g = FleetStart.guard(settings, t);
                    guard = g;
                }
            }
        }
        return g;
    }
}
