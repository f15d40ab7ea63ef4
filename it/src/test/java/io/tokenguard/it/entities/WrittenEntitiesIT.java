package io.tokenguard.it.entities;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.it.Client;
import io.tokenguard.it.JavaProcess;
import io.tokenguard.it.Jdk;
import io.tokenguard.sample.idp.EmulatedIdp;
import io.tokenguard.sample.idp.IdpOptions;
import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request bodies that only write themselves, through Apache HttpClient 4.5 and 5 classic: Spring's
 * RestClient (the body of HttpComponentsClientHttpRequestFactory), Apache's EntityTemplate, and one-shot
 * entities that refuse a second write. 40 careless concurrent requests of one user → one call at the
 * IdP and 40 answers; a one-shot body over capture.max-bytes passes through whole, as without the agent.
 */
class WrittenEntitiesIT {
    private static final int THREADS = 8;
    private static final int ITERATIONS = 5;

    private EmulatedIdp idp;

    @BeforeEach
    void start() {
        idp = EmulatedIdp.start(IdpOptions.defaults());
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    static Stream<Jdk> jdks() {
        return Jdk.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void bodiesThatOnlyWriteThemselvesAreGuarded(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        Map<String, String> seen = run(jdk, "spring-restclient:alice", "template5:bob", "template4:carol");

        for (String c : List.of("spring-restclient", "template5", "template4")) {
            assertThat(seen.get(c)).as(c).isEqualTo("200=" + THREADS * ITERATIONS);
        }
        assertThat(idp.tokenCalls("eloqua", "alice")).as("spring-restclient").isEqualTo(1);
        assertThat(idp.tokenCalls("eloqua", "bob")).as("template5").isEqualTo(1);
        assertThat(idp.tokenCalls("eloqua", "carol")).as("template4").isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void oneShotBodiesAreGuardedAndTheClientSendsTheCopy(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        Map<String, String> seen = run(jdk, "spent5:alice", "spent4:bob");

        assertThat(seen.get("spent5")).isEqualTo("200=" + THREADS * ITERATIONS);
        assertThat(seen.get("spent4")).isEqualTo("200=" + THREADS * ITERATIONS);
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(1);
        assertThat(idp.tokenCalls("eloqua", "bob")).isEqualTo(1);
    }

    /**
     * Two requests in a row, each body past the capture limit with the credentials at its end: both reach
     * the IdP whole (the first is authorized, the second meets Eloqua's one-per-minute limit), exactly
     * what the app gets without the agent.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void oneShotBodiesOverTheLimitPassThroughWhole(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        Map<String, String> seen = run(jdk, "over-limit5:alice:1:2", "over-limit4:bob:1:2");

        assertThat(seen.get("over-limit5")).isEqualTo("200=1 429=1");
        assertThat(seen.get("over-limit4")).isEqualTo("200=1 429=1");
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(2);
        assertThat(idp.tokenCalls("eloqua", "bob")).isEqualTo(2);
    }

    private Map<String, String> run(Jdk jdk, String... cases) throws Exception {
        StringBuilder cp = new StringBuilder(Paths.get(
                WrittenEntityRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        for (String set : List.of("httpclient5-5.6.5", "httpclient-4.5.14", "spring-web-7.0.10")) {
            for (Path jar : Client.jars(set)) {
                cp.append(File.pathSeparatorChar).append(jar);
            }
        }
        String[] args = new String[cases.length + 1];
        args[0] = idp.baseUrl();
        for (int i = 0; i < cases.length; i++) {
            args[i + 1] = cases[i].split(":").length == 2 ? cases[i] + ":" + THREADS + ":" + ITERATIONS : cases[i];
        }
        JavaProcess.Result run = JavaProcess.on(jdk).main(WrittenEntityRunner.class.getName(), cp.toString())
                .withAgent().guardingLoopbackIdp().args(args).run();

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.stderr).as(run.toString()).doesNotContain("internal fault", "could not instrument");
        Map<String, String> seen = new HashMap<>();
        for (String line : run.stdout.split("\n")) {
            if (line.startsWith("case ")) {
                String[] parts = line.split(" ", 3);
                seen.put(parts[1], parts.length > 2 ? parts[2].trim() : "");
            }
        }
        assertThat(seen).as(run.toString()).hasSize(cases.length);
        return seen;
    }
}
