package io.tokenguard.bench;

import java.io.IOException;
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
 * Benchmark 1: what the agent costs an app's ordinary API calls. A tight loop of GETs to a loopback
 * server (not a token endpoint), one client per run; BenchMain runs it with and without the agent.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NonTokenRequestBench {
    @Param({"urlconnection", "jdkhttp", "okhttp", "apache4", "apache5", "jetty", "reactor-netty", "vertx"})
    public String client;

    private LocalServer server;
    private Client http;
    private String url;

    @Setup(Level.Trial)
    public void start() throws IOException {
        AgentState.verify();
        server = LocalServer.start(2);
        http = Client.named(client);
        url = server.url(LocalServer.DATA_PATH);
        if (http.get(url) != 200) {
            throw new IllegalStateException("the loopback server did not answer 200");
        }
    }

    @Benchmark
    public int request() throws IOException {
        return http.get(url);
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        http.close();
        server.close();
    }
}
