package io.tokenguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.sample.idp.EmulatedIdp;
import io.tokenguard.it.container.TomcatWebappMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Apps that are not laid out like the sample app: client libraries in child loaders, agents attached late. */
class CoexistenceIT extends AgainstEmulatedIdp {

    static Stream<Arguments> childLoaderClients() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of(Client.of("okhttp", "okhttp-4.12.0"),
                Client.of("okhttp-async", "okhttp-5.5.1"), Client.of("apache4", "httpclient-4.5.14"),
                Client.of("apache5", "httpclient5-5.6.5")).map(c -> Arguments.of(jdk, c)));
    }

    /** The library is visible only to a child loader: the agent's own loader cannot see it at all. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("childLoaderClients")
    void aClientLibraryInAChildClassLoaderIsGuarded(Jdk jdk, Client client) throws Exception {
        jdk.assumeInstalled();
        JavaProcess.Result run = client.applyTo(JavaProcess.on(jdk).withAgent().guardingLoopbackIdp()
                .inChildClassLoader()).args("--idp", idp.baseUrl(), "--provider", "eloqua", "--users", "alice",
                "--threads", "4", "--iterations", "5").run();

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.sample().row("eloqua", "alice").status(200)).isEqualTo(20);
        assertThat(idp.tokenCalls("eloqua", "alice")).as(run.toString()).isEqualTo(1);
        assertThat(run.stderr).doesNotContain("could not instrument", "internal fault");
    }

    static Stream<Arguments> springBootJarClients() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of("okhttp", "apache5", "reactor-netty", "reactor-netty-webclient")
                .map(c -> Arguments.of(jdk, c)));
    }

    /**
     * {@code java -javaagent:... -jar sample-app-boot.jar}: Spring Boot's JarLauncher loads the app and the
     * client library (OkHttp 3.14.9, HttpClient 5.4.4, Reactor Netty 1.2.16 with Netty's native epoll, Spring
     * WebFlux 6.2.19) from jars nested under BOOT-INF/lib.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("springBootJarClients")
    void aClientInsideASpringBootExecutableJarIsGuarded(Jdk jdk, String client) throws Exception {
        jdk.assumeInstalled();
        JavaProcess.Result run = JavaProcess.on(jdk).withAgent().guardingLoopbackIdp().asSpringBootJar()
                .args("--client", client, "--idp", idp.baseUrl(), "--provider", "eloqua", "--users", "alice",
                        "--threads", "8", "--iterations", "25").run();

        assertThat(run.stdout).as(run.toString())
                .contains("client: " + client + " loaded by org.springframework.boot.loader.launch.LaunchedClassLoader");
        assertThat(run.exitCode).isZero();
        assertThat(run.sample().row("eloqua", "alice").status(200)).isEqualTo(200);
        assertThat(idp.tokenCalls("eloqua", "alice")).as(run.toString()).isEqualTo(1);
        assertThat(run.summary("eloqua").get("upstream")).isEqualTo(1);
        assertThat(run.stderr).doesNotContain("could not instrument", "internal fault");
    }

    /**
     * A servlet container: the sample app and OkHttp 4 (with its Kotlin) in a webapp's WEB-INF/lib,
     * loaded by embedded Tomcat's child-first webapp class loader (see TomcatWebappMain).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aClientInsideAServletContainersWebappIsGuarded(Jdk jdk, @TempDir Path webapp) throws Exception {
        jdk.assumeInstalled();
        Path lib = Files.createDirectories(webapp.resolve("WEB-INF").resolve("lib"));
        Files.copy(JavaProcess.SAMPLE_JAR, lib.resolve("sample-app.jar"));
        for (Path jar : Client.jars("okhttp-4.12.0")) {
            Files.copy(jar, lib.resolve(jar.getFileName()));
        }
        List<Path> container = new ArrayList<>(Client.jars("tomcat"));
        container.add(Paths.get(TomcatWebappMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        JavaProcess.Result run = JavaProcess.on(jdk).withAgent().guardingLoopbackIdp()
                .launcher(container, TomcatWebappMain.class.getName(), webapp.toString())
                .args("--client", "okhttp", "--idp", idp.baseUrl(), "--provider", "eloqua", "--users", "alice",
                        "--threads", "8", "--iterations", "25").run();

        assertThat(run.stdout).as(run.toString())
                .contains("client: okhttp loaded by org.apache.catalina.loader.ParallelWebappClassLoader");
        assertThat(run.exitCode).isZero();
        assertThat(run.sample().row("eloqua", "alice").status(200)).isEqualTo(200);
        assertThat(idp.tokenCalls("eloqua", "alice")).as(run.toString()).isEqualTo(1);
        assertThat(run.summary("eloqua").get("upstream")).isEqualTo(1);
        assertThat(run.stderr).doesNotContain("could not instrument", "internal fault");
    }

    /** The app's own Byte Buddy, Caffeine, Jackson, Micrometer (older versions) and OkHttp 4 with its Kotlin. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void anAppWithItsOwnCopiesOfTheAgentsLibrariesKeepsWorking(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        JavaProcess.Result run = Client.of("okhttp", "okhttp-4.12.0").applyTo(JavaProcess.on(jdk).withAgent()
                .guardingLoopbackIdp().libraries(Client.jars("own-libraries")))
                .args("--use-libraries", "--idp", idp.baseUrl(), "--provider", "eloqua", "--users", "alice",
                        "--threads", "4", "--iterations", "5").run();

        assertThat(run.stdout).as(run.toString()).contains("library byte-buddy: ok byte-buddy-1.12.19.jar true",
                "library caffeine: ok v", "library jackson-core: ok 2.13.5 START_OBJECT", "library micrometer: ok 1.0");
        assertThat(run.exitCode).isZero();
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(1);
    }

    static Stream<Arguments> attachClients() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of(Client.of("urlconnection", null),
                Client.of("jdkhttp", null), Client.of("apache4", "httpclient-4.5.14")).map(c -> Arguments.of(jdk, c)));
    }

    /**
     * Runtime attach: round 1 runs unguarded (its classes get loaded), then the app attaches the
     * agent to itself. Round 2's first call meets Eloqua's limit; the cooldown then keeps the rest local.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("attachClients")
    void anAgentAttachedAtRuntimeGuardsClassesLoadedBeforeIt(Jdk jdk, Client client) throws Exception {
        jdk.assumeInstalled();
        String config = Paths.get(JavaProcess.SAMPLE_JAR.getParent().getParent().toString(),
                "tokenguard-sample.properties").toString();
        JavaProcess.Result run = client.applyTo(JavaProcess.on(jdk).jvmOption("-Djdk.attach.allowAttachSelf=true"))
                .args("--idp", idp.baseUrl(), "--provider", "eloqua", "--users", "alice", "--threads", "1",
                        "--iterations", "5", "--rounds", "2",
                        "--attach-agent", JavaProcess.AGENT_JAR + "=config=" + config).run();

        SampleResult result = run.sample();
        assertThat(result.row(0, "eloqua", "alice").status(429)).as(run.toString()).isEqualTo(4);
        assertThat(result.row(1, "eloqua", "alice").status(429)).isEqualTo(5);
        // Round 1: all five reached the IdP; round 2: only the first, then the cooldown held.
        assertThat(idp.tokenCalls("eloqua", "alice")).as(run.toString()).isEqualTo(6);
        assertThat(run.stderr).contains("attached at runtime").contains("\"kind\":\"upstream_rate_limited\"");
    }
}
