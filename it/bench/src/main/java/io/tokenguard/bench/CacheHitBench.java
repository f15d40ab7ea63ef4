package io.tokenguard.bench;

import io.tokenguard.sample.idp.EmulatedIdp;
import io.tokenguard.sample.idp.IdpOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
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
 * Benchmark 2: one token request (Twitter's app-only grant) to the emulated IdP, in-process on
 * loopback. Without the agent every call is a real round trip; with it (the twitter rule pointed at
 * the IdP) the first call goes upstream and every other one is a cache hit, which is checked.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CacheHitBench {
    static final String CONSUMER = "sample-consumer";

    @Param({"urlconnection", "jdkhttp", "okhttp", "apache4", "apache5", "jetty", "reactor-netty", "vertx"})
    public String client;

    private EmulatedIdp idp;
    private Client http;
    private String url;
    private String authorization;

    @Setup(Level.Trial)
    public void start() throws IOException {
        AgentState.verify();
        // The real round trips must not trip the emulated Twitter's lockout.
        idp = EmulatedIdp.start(IdpOptions.defaults().withTwitterMaxCalls(1_000_000)
                .withTwitterWindow(Duration.ofMillis(1)).withThreads(4));
        http = Client.named(client);
        url = idp.baseUrl() + "/oauth2/token";
        authorization = "Basic " + Base64.getEncoder().encodeToString(
                (CONSUMER + ":" + CONSUMER + "-secret").getBytes(StandardCharsets.UTF_8));
        if (token() != 200) {
            throw new IllegalStateException("the emulated IdP did not issue a token");
        }
    }

    @Benchmark
    public int token() throws IOException {
        return http.postForm(url, authorization, "grant_type=client_credentials");
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        int upstream = idp.tokenCalls("twitter");
        http.close();
        idp.close();
        if (AgentState.expected() && upstream != 1) {
            throw new IllegalStateException("with the agent, expected 1 upstream token call, saw " + upstream);
        }
    }
}
