package io.tokenguard.it.fleet;

import io.tokenguard.it.JavaProcess;
import io.tokenguard.it.Jdk;
import io.tokenguard.it.SampleResult;
import io.tokenguard.sample.idp.EmulatedIdp;
import io.tokenguard.sample.idp.IdpOptions;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * Fleet tests: real redis-servers this test starts, N real JVMs of the sample app with
 * {@code -javaagent:tokenguard-agent.jar} in fleet mode, one emulated IdP in this JVM that every one of
 * them asks. Whatever a test starts is registered here and stopped after it (JVMs first, then Redis).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FleetTestBase {
    static final String FLEET_URI = "tokenguard.fleet.redis.uri";
    static final String FLEET_KEY = "tokenguard.fleet.key";
    static final String FLEET_TIMEOUT = "tokenguard.fleet.timeout";
    static final String FLEET_NAME = "tokenguard.fleet.name";
    static final String FLEET_KEY_ENV = "TOKENGUARD_FLEET_KEY";
    static final String FLEET_PASSWORD_ENV = "TOKENGUARD_FLEET_REDIS_PASSWORD";
    /** The agent's gauge: 1 in fleet mode, 0 local-only. */
    static final String STATE_GAUGE = "tokenguard.fleet.state";
    private static final SecureRandom RANDOM = new SecureRandom();

    EmulatedIdp idp;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** This class's IdP; the seeds' defaults unless a test needs another Eloqua window. */
    IdpOptions idpOptions() {
        return IdpOptions.defaults();
    }

    @BeforeAll
    void startIdp() {
        idp = EmulatedIdp.start(idpOptions().withThreads(96));
    }

    @AfterAll
    void stopIdp() {
        if (idp != null) {
            idp.close();
        }
    }

    @BeforeEach
    void resetIdp() {
        idp.reset();
    }

    @AfterEach
    void stopEverythingStarted() throws Exception {
        Exception first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    <T extends AutoCloseable> T stopAfterTest(T thing) {
        started.push(thing);
        return thing;
    }

    RedisServer redis() throws IOException, InterruptedException {
        return stopAfterTest(RedisServer.start());
    }

    /** A fresh fleet key: 32 random bytes, base64. */
    static String newFleetKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static Jdk jdk() {
        return Jdk.all().get(0);
    }

    /**
     * The sample app with the agent (its eloqua and twitter rules on this IdP), waiting for rounds on its
     * stdin; by default each round is one Eloqua user, alice, 8 threads x 25 iterations. No fleet settings:
     * see {@link #inFleet}.
     */
    JavaProcess app() {
        return JavaProcess.on(jdk()).withAgent().guardingLoopbackIdp()
                .args("--idp", idp.baseUrl(), "--rounds-from-stdin", "--quiet", "--provider", "eloqua", "--users",
                        "alice", "--threads", "8", "--iterations", "25");
    }

    /** {@link #app} in fleet mode on this Redis URI with this key. */
    JavaProcess inFleet(String uri, String key) {
        return app().property(FLEET_URI, uri).property(FLEET_KEY, key);
    }

    FleetJvm start(String name, JavaProcess config) throws IOException {
        return start(name, config, Map.of());
    }

    FleetJvm start(String name, JavaProcess config, Map<String, String> environment) throws IOException {
        return stopAfterTest(FleetJvm.start(name, config.command(), environment));
    }

    /** Starts them all at once (their start-ups overlap), then waits until each is ready for orders. */
    List<FleetJvm> startAll(List<JavaProcess> configs) throws IOException, InterruptedException {
        List<FleetJvm> jvms = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            jvms.add(start("jvm-" + (i + 1), configs.get(i)));
        }
        for (FleetJvm j : jvms) {
            j.awaitReady();
        }
        return jvms;
    }

    /** N JVMs of {@link #inFleet} on one Redis and key. */
    List<FleetJvm> fleet(int n, String uri, String key, java.util.function.UnaryOperator<JavaProcess> more)
            throws IOException, InterruptedException {
        List<JavaProcess> configs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            configs.add(more.apply(inFleet(uri, key)));
        }
        return startAll(configs);
    }

    /** The same round in every JVM, ordered to all before any result is awaited, so they run together. */
    static List<SampleResult> roundAll(List<FleetJvm> jvms, String line) throws IOException, InterruptedException {
        for (FleetJvm j : jvms) {
            j.order(line);
        }
        List<SampleResult> results = new ArrayList<>();
        for (FleetJvm j : jvms) {
            results.add(j.awaitRound());
        }
        return results;
    }

    static String describe(List<FleetJvm> jvms) {
        StringBuilder b = new StringBuilder();
        for (FleetJvm j : jvms) {
            b.append(j).append('\n');
        }
        return b.toString();
    }
}
