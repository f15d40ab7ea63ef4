package io.tokenguard.it.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.it.JavaProcess;
import io.tokenguard.it.Jdk;
import io.tokenguard.sample.idp.EmulatedIdp;
import io.tokenguard.sample.idp.IdpOptions;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * vertx-auth-oauth2 (what Vert.x apps and Quarkus's OIDC client sign in with), Vert.x 4.5 and 5.0, each
 * JDK: N careless concurrent client-credentials sign-ins on the event loop make one call at the IdP with
 * the agent, and all N succeed with the one token; without it, every one reaches the IdP.
 */
class VertxOAuth2IT {
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
        return Jdk.all().stream().flatMap(jdk -> Stream.of("vertx-4.5.27", "vertx-5.0.7")
                .map(set -> Arguments.of(jdk, set)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("generations")
    void concurrentClientCredentialsSignInsMakeOneCall(Jdk jdk, String set) throws Exception {
        jdk.assumeInstalled();
        JavaProcess.Result run = app(jdk, set).withAgent().guardingLoopbackIdp().run();

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.stderr).as(run.toString()).doesNotContain("internal fault", "could not instrument");
        assertThat(RunnerJvm.caseLine(run)).as(run.toString())
                .isEqualTo("case vertx-oauth2-client-credentials ok=" + N + " tokens=1");
        assertThat(idp.tokenCalls("twitter", "sample-consumer")).isEqualTo(1);
        assertThat(run.summary("twitter").get("requests")).isEqualTo(N);
    }

    /** The premise: vertx-auth-oauth2 itself keeps nothing, so the one call above is the agent's doing. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vertx-4.5.27", "vertx-5.0.7"})
    void withoutTheAgentEverySignInReachesTheIdp(String set) throws Exception {
        JavaProcess.Result run = app(Jdk.all().get(0), set).run();

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(RunnerJvm.caseLine(run)).as(run.toString()).startsWith("case vertx-oauth2-client-credentials ");
        assertThat(idp.tokenCalls("twitter")).as(run.toString()).isEqualTo(N);
    }

    private JavaProcess app(Jdk jdk, String set) throws Exception {
        return RunnerJvm.of(jdk, VertxOAuth2Runner.class, set).args(idp.baseUrl(), Integer.toString(N));
    }
}
