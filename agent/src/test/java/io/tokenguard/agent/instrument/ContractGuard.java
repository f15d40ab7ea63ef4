package io.tokenguard.agent.instrument;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.AgentSettings;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.agent.guard.Guard;
import io.tokenguard.agent.guard.GuardClock;
import io.tokenguard.agent.guard.GuardListener;
import io.tokenguard.agent.guard.RequestEvent;
import io.tokenguard.agent.guard.UpstreamEvent;
import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real {@link Guard} (enforce mode, one loopback token path, no limit) behind the {@link Bridge} in
 * this JVM, as the agent installs it: the adapters under test go through it exactly as in an
 * agent-attached JVM, where the patches would call them. Records the faults and the events.
 */
public final class ContractGuard implements GuardDelegate, AutoCloseable {
    public final List<String> faults = new CopyOnWriteArrayList<>();
    final List<String> requestClients = new CopyOnWriteArrayList<>();
    final List<String> upstreamClients = new CopyOnWriteArrayList<>();
    /** Requests that reached the guard: a follower that did is joined to the request in flight or served. */
    public final AtomicInteger entered = new AtomicInteger();
    private final EndpointRule rule;
    private final Guard guard;

    public ContractGuard(String tokenPath) {
        rule = EndpointRule.builder("loopback").url("http://127.0.0.1:*" + tokenPath).limit("none")
                .defaultTtl(Duration.ofHours(1)).build();
        guard = new Guard(AgentSettings.builder().mode(Mode.ENFORCE).rule(rule).build(), GuardClock.SYSTEM,
                new GuardListener() {
                    @Override
                    public void onRequest(RequestEvent request) {
                        requestClients.add(request.httpClient());
                    }

                    @Override
                    public void onUpstream(UpstreamEvent call) {
                        upstreamClients.add(call.httpClient());
                    }
                });
        Bridge.install(this);
    }

    @Override
    public boolean isTokenEndpoint(String scheme, String host, int port, String path) {
        return rule.urls().stream().anyMatch(u -> u.matches(scheme, host, port, path));
    }

    @Override
    public int captureMaxBytes() {
        return 64 * 1024;
    }

    @Override
    public TokenHttpResponse exchange(TokenHttpRequest request, Upstream upstream) throws IOException {
        entered.incrementAndGet();
        return guard.exchange(rule, request, upstream);
    }

    @Override
    public CompletableFuture<TokenHttpResponse> exchangeAsync(TokenHttpRequest request, AsyncUpstream upstream) {
        entered.incrementAndGet();
        return guard.exchangeAsync(rule, request, upstream);
    }

    @Override
    public void fault(String stage, Throwable error) {
        faults.add(stage + ": " + error);
    }

    @Override
    public void close() {
        Bridge.install(null);
    }
}
