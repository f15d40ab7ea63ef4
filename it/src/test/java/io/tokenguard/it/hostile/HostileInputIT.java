package io.tokenguard.it.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.tokenguard.it.Client;
import io.tokenguard.it.JavaProcess;
import io.tokenguard.it.Jdk;
import io.tokenguard.it.hostile.HostileCase.Deviation;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The hostile-input corpus end to end (issue 5), on each JDK (the build's and Temurin 25): one child
 * JVM runs every case without the agent, one with it, against the same hostile IdP; each case is then one test comparing what the app saw
 * (status, body, the headers that matter, the exception and where it struck) and how many requests
 * reached the IdP. Without the agent every attempt reaches the IdP; with it, exactly the
 * unambiguous token answers are shared, and every difference is one the README documents.
 */
class HostileInputIT {
    private static final String SECRET = "s3cret";

    @TestFactory
    Stream<DynamicNode> everyHostileCaseBehavesAsWithoutTheAgent() throws Exception {
        List<DynamicNode> perJdk = new ArrayList<>();
        for (Jdk jdk : Jdk.all()) {
            perJdk.add(jdk.installed() ? dynamicContainer(jdk.toString(), casesOn(jdk))
                    : dynamicTest(jdk + " (not installed)", jdk::assumeInstalled));
        }
        return perJdk.stream();
    }

    private static Stream<DynamicTest> casesOn(Jdk jdk) throws Exception {
        List<HostileCase> corpus = HostileCases.all();
        Map<String, Integer> plainHits = new HashMap<>();
        Map<String, Integer> guardedHits = new HashMap<>();
        Map<String, RunnerLine> plain;
        Map<String, RunnerLine> guarded;
        JavaProcess.Result guardedRun;
        try (HostileIdp idp = new HostileIdp(corpus)) {
            JavaProcess.Result plainRun = runner(jdk, idp, false);
            plain = RunnerLine.byCaseAndAttempt(plainRun);
            corpus.forEach(c -> plainHits.put(c.id(), idp.hits(c.id())));
            idp.resetCounts();
            guardedRun = runner(jdk, idp, true);
            guarded = RunnerLine.byCaseAndAttempt(guardedRun);
            corpus.forEach(c -> guardedHits.put(c.id(), idp.hits(c.id())));
        }
        JavaProcess.Result agentRun = guardedRun;
        DynamicTest hygiene = dynamicTest("the agent logged no fault and no credential", () -> {
            assertThat(agentRun.stderr).as(agentRun.toString()).doesNotContain("internal fault", "could not instrument")
                    .doesNotContain(SECRET).doesNotContain("tok-");
            assertThat(agentRun.stdout.lines().filter(l -> !l.startsWith("HOSTILE ")).collect(Collectors.joining("\n")))
                    .doesNotContain(SECRET);
        });
        return Stream.concat(Stream.of(hygiene), corpus.stream().map(c -> dynamicTest(c.toString(), () -> {
            for (int attempt = 1; attempt <= c.attempts().size(); attempt++) {
                RunnerLine without = plain.get(c.id() + "#" + attempt);
                RunnerLine with = guarded.get(c.id() + "#" + attempt);
                assertThat(without).as("no-agent line for attempt %d", attempt).isNotNull();
                assertThat(with).as("agent line for attempt %d", attempt).isNotNull();
                compare(c, attempt, without, with);
            }
            assertThat(plainHits.get(c.id())).as("requests at the IdP without the agent")
                    .isEqualTo(c.attempts().size());
            assertThat(guardedHits.get(c.id())).as("requests at the IdP with the agent").isEqualTo(c.agentHits());
        })));
    }

    private static void compare(HostileCase c, int attempt, RunnerLine without, RunnerLine with) {
        String what = "attempt " + attempt + ": without " + without + " / with " + with;
        assertThat(with.exception).as(what).isEqualTo(without.exception);
        assertThat(with.bodySha).as(what).isEqualTo(without.bodySha);
        assertThat(with.bodyLength).as(what).isEqualTo(without.bodyLength);
        assertThat(without.marker).as(what).isNull();
        // A failure mid-body surfaces where it does without the agent: the same step, the same exception.
        assertThat(with.step).as(what).isEqualTo(without.step);
        assertThat(with.status).as(what).isEqualTo(without.status);
        assertThat(with.contentType).as(what).isEqualTo(without.contentType);
        assertThat(with.contentEncoding).as(what).isEqualTo(without.contentEncoding);
        String expectedMarker = attempt == 1 ? null
                : c.deviation() == Deviation.COOLDOWN ? "cooldown"
                : c.agentHits() == 1 ? "cache" : null;
        assertThat(with.marker).as(what).isEqualTo(expectedMarker);
    }

    private static JavaProcess.Result runner(Jdk jdk, HostileIdp idp, boolean agent) throws Exception {
        Path testClasses = Paths.get(HostileRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        // The library clients of the corpus (LibraryClients) beside the runner, on the class path.
        StringBuilder path = new StringBuilder(testClasses.toString());
        for (String library : List.of("okhttp-4.12.0", "httpclient-4.5.14", "httpclient5-5.6.5", "jetty-12.1.14",
                "reactor-netty-1.3.7", "vertx-5.0.7")) {
            for (Path jar : Client.jars(library)) {
                path.append(java.io.File.pathSeparatorChar).append(jar);
            }
        }
        JavaProcess p = JavaProcess.on(jdk).main(HostileRunner.class.getName(), path.toString()).args(idp.baseUrl());
        if (agent) {
            p.withAgent().property("tokenguard.endpoints.hostile.url", "http://127.0.0.1:*/hostile/*");
        }
        JavaProcess.Result run = p.run();
        assertThat(run.exitCode).as(run.toString()).isZero();
        return run;
    }
}
