package io.tokenguard.it.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.it.JavaProcess;
import io.tokenguard.it.Jdk;
import io.tokenguard.sample.idp.EmulatedIdp;
import io.tokenguard.sample.idp.IdpOptions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reactive apps over Reactor Netty, agent attached, each JDK and both generations (Spring 6.2 + Reactor
 * Netty 1.2 on Netty 4.1; Spring 7.0 + Reactor Netty 1.3 on Netty 4.2): N careless concurrent token
 * requests of one identity, through Spring WebClient over ReactorClientHttpConnector and through Spring
 * Security's WebClientReactiveClientCredentialsTokenResponseClient, make one call at the IdP and all succeed
 * with the one token.
 */
class ReactiveTokenIT {
    private static final int N = 24;

    private EmulatedIdp idp;

    @BeforeEach
    void start() {
        idp = EmulatedIdp.start(IdpOptions.defaults());
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    static Stream<Arguments> generations() {
        return Jdk.all().stream().flatMap(jdk -> Stream.of("security-6.5.10", "security-7.1.2")
                .map(set -> Arguments.of(jdk, set)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("generations")
    void concurrentWebClientFormPostsMakeOneCall(Jdk jdk, String set) throws Exception {
        jdk.assumeInstalled();
        String line = run(jdk, set, "webclient-form");
        assertThat(line).isEqualTo("case webclient-form 200=" + N + " tokens=1");
        assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("generations")
    void springSecuritysReactiveClientCredentialsClientMakesOneCall(Jdk jdk, String set) throws Exception {
        jdk.assumeInstalled();
        String line = run(jdk, set, "security-client-credentials");
        assertThat(line).isEqualTo("case security-client-credentials ok=" + N + " tokens=1");
        assertThat(idp.tokenCalls("twitter", "sample-consumer")).isEqualTo(1);
    }

    private String run(Jdk jdk, String set, String name) throws Exception {
        JavaProcess.Result run = RunnerJvm.of(jdk, ReactiveTokenRunner.class, set)
                .withAgent().guardingLoopbackIdp().args(idp.baseUrl(), name, Integer.toString(N)).run();
        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.stderr).as(run.toString()).doesNotContain("internal fault", "could not instrument");
        return RunnerJvm.caseLine(run);
    }
}
