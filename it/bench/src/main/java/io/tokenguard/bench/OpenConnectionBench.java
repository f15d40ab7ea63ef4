package io.tokenguard.bench;

import java.io.IOException;
import java.net.URL;
import java.net.URLConnection;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Benchmark 1, fast path alone: {@code URL.openConnection()} for a URL that is not a token endpoint.
 * It does not touch the network (the connection is opened later), so what the agent adds here, the
 * patched method asking the catalog, is not buried under the noise of a loopback round trip.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OpenConnectionBench {
    /** Ends in "token" like most token URLs, so the catalog's last-segment pre-filter does not reject it outright. */
    public URL apiUrl;
    public URL tokenLikeUrl;

    @Setup(Level.Trial)
    public void start() throws IOException {
        AgentState.verify();
        apiUrl = new URL("http://127.0.0.1:8080/api/v2/customers/42");
        tokenLikeUrl = new URL("https://api.example.com/oauth2/token");
    }

    @Benchmark
    public URLConnection apiUrl() throws IOException {
        return apiUrl.openConnection();
    }

    @Benchmark
    public URLConnection tokenLikeUrl() throws IOException {
        return tokenLikeUrl.openConnection();
    }
}
