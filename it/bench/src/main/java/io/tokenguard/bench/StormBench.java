package io.tokenguard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Benchmark 4: token requests answered per second when many threads hammer the token endpoint
 * through HttpURLConnection in an agent-attached JVM (BenchMain sets the thread count). Every
 * identity is fetched once in setup, so the measurement is cache hits only, which is checked.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StormBench {
    @Param({"1", "1000"})
    public int identities;

    private LocalServer server;
    private final Client http = new UrlConnectionClient();
    private String url;
    private String[] authorizations;

    /** Where each thread is in the identity list; threads start at random places. */
    @State(Scope.Thread)
    public static class Cursor {
        int next = ThreadLocalRandom.current().nextInt(1 << 20);
    }

    @Setup(Level.Trial)
    public void start() throws IOException {
        AgentState.verify();
        server = LocalServer.start(4);
        url = server.url(LocalServer.TOKEN_PATH);
        authorizations = new String[identities];
        for (int i = 0; i < identities; i++) {
            authorizations[i] = "Basic " + Base64.getEncoder().encodeToString(
                    ("client-" + i + ":secret-" + i).getBytes(StandardCharsets.UTF_8));
            if (http.postForm(url, authorizations[i], "grant_type=client_credentials") != 200) {
                throw new IllegalStateException("the token server did not answer 200");
            }
        }
    }

    @Benchmark
    public int token(Cursor cursor) throws IOException {
        String authorization = authorizations[(cursor.next++ & Integer.MAX_VALUE) % authorizations.length];
        return http.postForm(url, authorization, "grant_type=client_credentials");
    }

    @TearDown(Level.Trial)
    public void stop() {
        long upstream = server.tokenCalls();
        server.close();
        if (AgentState.expected() && upstream != identities) {
            throw new IllegalStateException("with the agent, expected " + identities
                    + " upstream token calls (one per identity), saw " + upstream);
        }
    }
}
