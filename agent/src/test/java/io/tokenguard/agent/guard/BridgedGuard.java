package io.tokenguard.agent.guard;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.config.Mode;
import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.urlconnection.UrlConnectionAdapter;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real {@link Guard} behind the {@link Bridge}, in this JVM, so the JDK's own HttpURLConnection
 * wrapped by the bootstrap's guarded connection goes through it exactly as under the agent (where
 * the URL.openConnection patch does the wrapping {@link #open} does here).
 */
final class BridgedGuard implements GuardDelegate, AutoCloseable {
    private final Guard guard;
    private final EndpointRule rule;
    final List<String> faults = new CopyOnWriteArrayList<>();

    BridgedGuard(Guard guard, EndpointRule rule) {
        this.guard = guard;
        this.rule = rule;
        Bridge.install(this);
    }

    /** A real guard in enforce mode for one loopback token path (any port), with no limit. */
    static BridgedGuard forLoopback(String tokenPath) {
        EndpointRule rule = EndpointRule.builder("loopback").url("http://127.0.0.1:*" + tokenPath)
                .limit("none").defaultTtl(Duration.ofHours(1)).build();
        return new BridgedGuard(new Guard(TestRequests.settings(Mode.ENFORCE, rule), GuardClock.SYSTEM,
                new RecordingListener()), rule);
    }

    /** What {@code url.openConnection()} returns under the agent. */
    static HttpURLConnection open(URL url) throws IOException {
        return (HttpURLConnection) UrlConnectionAdapter.wrap(url, url.openConnection());
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
        return guard.exchange(rule, request, upstream);
    }

    @Override
    public CompletableFuture<TokenHttpResponse> exchangeAsync(TokenHttpRequest request, AsyncUpstream upstream) {
        return guard.exchangeAsync(rule, request, upstream);
    }

    @Override
    public void fault(String stage, Throwable error) {
        // The bridge swallows whatever this throws: keep it for the test to assert on.
        faults.add(stage + ": " + error);
    }

    @Override
    public void close() {
        Bridge.install(null);
    }
}
