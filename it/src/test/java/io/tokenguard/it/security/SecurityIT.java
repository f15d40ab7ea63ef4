package io.tokenguard.it.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.tokenguard.it.JavaProcess;
import io.tokenguard.it.Jdk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The security suite (issue 10 §1-2), on each JDK: for every client × credential mechanism, alice,
 * bob, a wrong credential, then alice and bob again, all posting the same body to a strict IdP that
 * issues a distinct token per identity and refuses what it does not know ({@link StrictIdp}). One
 * child JVM runs every case without the agent, one with it ({@link SecurityRunner}). The bare client
 * shows what each request earns; with the agent, every request must earn the same: no identity is
 * served another's token, no wrong credential is served a token, no legitimate user is refused,
 * and each identity's repeat is answered from the cache (one upstream call per identity).
 */
class SecurityIT {
    private static final String SETS_PROPERTY = "tokenguard.it.security.sets";
    private static final List<String> SETS = List.of("jdk", "okhttp-3.14.9", "okhttp-4.12.0", "okhttp-5.5.1",
            "httpclient-4.5.14", "httpclient5-5.4.4", "httpclient5-5.6.5");
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(null|-?\\d+|\"((?:[^\"\\\\]|\\\\.)*)\")");

    private static Path tls;

    @BeforeAll
    static void tlsMaterial() throws Exception {
        tls = Files.createTempDirectory(Paths.get("target"), "security-tls").toAbsolutePath();
        TlsFiles.create(tls, List.of(Scenario.ALICE, Scenario.BOB));
    }

    @AfterAll
    static void removeTlsMaterial() throws Exception {
        if (tls != null) {
            try (Stream<Path> files = Files.list(tls)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.delete(f);
                }
            }
            Files.delete(tls);
        }
    }

    @TestFactory
    Stream<DynamicNode> everyIdentityGetsItsOwnTokenAndOnlyItsOwn() throws Exception {
        List<DynamicNode> perJdk = new ArrayList<>();
        for (Jdk jdk : Jdk.all()) {
            perJdk.add(jdk.installed() ? dynamicContainer(jdk.toString(), casesOn(jdk))
                    : dynamicTest(jdk + " (not installed)", jdk::assumeInstalled));
        }
        return perJdk.stream();
    }

    private static Stream<DynamicTest> casesOn(Jdk jdk) throws Exception {
        Map<String, Map<String, Line>> bare;
        Map<String, Map<String, Line>> guarded;
        Map<String, int[]> issuedWithAgent = new LinkedHashMap<>();
        JavaProcess.Result agentRun;
        try (StrictIdp idp = new StrictIdp(tls)) {
            bare = lines(runner(jdk, idp, false));
            idp.resetCounts();
            agentRun = runner(jdk, idp, true);
            guarded = lines(agentRun);
            for (String id : guarded.keySet()) {
                issuedWithAgent.put(id, new int[] {idp.issued(id, Scenario.ALICE), idp.issued(id, Scenario.BOB)});
            }
        }
        JavaProcess.Result run = agentRun;
        DynamicTest hygiene = dynamicTest("the agent logged no fault, no secret and no token", () -> {
            assertThat(run.stderr).as(run.toString()).doesNotContain("internal fault", "could not instrument")
                    .doesNotContain("alice-secret", "bob-secret", "guessed-secret", "sid-", "tok-");
            assertThat(guarded.keySet()).as("cases run with the agent").isEqualTo(bare.keySet());
        });
        DynamicTest tally = dynamicTest("0 cross-identity serves, 0 wrong-credential serves, 0 users refused", () -> {
            List<String> cross = new ArrayList<>();
            List<String> wrong = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            for (String id : bare.keySet()) {
                for (String step : Scenario.STEPS) {
                    Line without = bare.get(id).get(step);
                    Line with = guarded.getOrDefault(id, Map.of()).get(step);
                    if (with == null) {
                        refused.add(id + " " + step + " (no line)");
                    } else if (without.tokenOwner() == null && with.tokenOwner() != null) {
                        wrong.add(id + " " + step + ": " + with);
                    } else if (without.tokenOwner() != null && with.tokenOwner() == null) {
                        refused.add(id + " " + step + ": " + with);
                    } else if (without.tokenOwner() != null && !without.tokenOwner().equals(with.tokenOwner())) {
                        cross.add(id + " " + step + ": " + with);
                    }
                }
            }
            System.out.println("security suite on " + jdk + ": " + bare.size() + " cases, " + cross.size()
                    + " cross-identity serves, " + wrong.size() + " wrong-credential serves, " + refused.size()
                    + " legitimate users refused");
            assertThat(cross).as("cross-identity serves").isEmpty();
            assertThat(wrong).as("wrong-credential serves").isEmpty();
            assertThat(refused).as("legitimate users refused").isEmpty();
        });
        return Stream.concat(Stream.of(hygiene, tally), bare.keySet().stream().map(id -> dynamicTest(id, () -> {
            Map<String, Line> without = bare.get(id);
            Map<String, Line> with = guarded.get(id);
            assertThat(with).as("the agent run's lines").isNotNull();
            // The case itself: without the agent every identity earns its own token, the wrong one none.
            for (String step : Scenario.STEPS) {
                Line l = without.get(step);
                assertThat(l).as("bare line for %s", step).isNotNull();
                String who = step.substring(0, step.indexOf('#'));
                assertThat(l.tokenOwner()).as("bare %s: %s", step, l)
                        .isEqualTo(Scenario.WRONG.equals(who) ? null : who);
            }
            for (String step : Scenario.STEPS) {
                Line a = without.get(step);
                Line b = with.get(step);
                assertThat(b).as("agent line for %s", step).isNotNull();
                String what = step + ": without " + a + " / with " + b;
                assertThat(b.tokenOwner()).as(what).isEqualTo(a.tokenOwner());
                assertThat(b.status).as(what).isEqualTo(a.status);
                assertThat(b.exception).as(what).isEqualTo(a.exception);
            }
            // A repeat of the same identity is the cached answer: one upstream call per identity.
            assertThat(with.get("alice#2").marker).as("alice's repeat: %s", with.get("alice#2")).isEqualTo("cache");
            assertThat(with.get("alice#2").token).isEqualTo(with.get("alice#1").token);
            assertThat(with.get("bob#2").marker).as("bob's repeat: %s", with.get("bob#2")).isEqualTo("cache");
            assertThat(with.get("bob#2").token).isEqualTo(with.get("bob#1").token);
            assertThat(with.get("alice#1").marker).isNull();
            assertThat(with.get("bob#1").marker).isNull();
            assertThat(issuedWithAgent.get(id)).as("tokens the IdP issued to alice, bob with the agent")
                    .containsExactly(1, 1);
        })));
    }

    private static JavaProcess.Result runner(Jdk jdk, StrictIdp idp, boolean agent) throws Exception {
        Path testClasses = Paths.get(SecurityRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> args = new ArrayList<>(List.of(idp.httpBase(), idp.httpsBase(), tls.toString(),
                Paths.get(System.getProperty("tokenguard.it.clients", "target/clients")).toAbsolutePath().toString()));
        String only = System.getProperty(SETS_PROPERTY);
        args.addAll(only == null ? SETS : List.of(only.split(",")));
        JavaProcess p = JavaProcess.on(jdk).main(SecurityRunner.class.getName(), testClasses.toString())
                .property("javax.net.ssl.trustStore", tls.resolve(TlsFiles.TRUST + ".p12").toString())
                .property("javax.net.ssl.trustStorePassword", TlsFiles.PASSWORD)
                .property("javax.net.ssl.trustStoreType", "PKCS12")
                .args(args.toArray(new String[0]));
        if (agent) {
            p.withAgent().property("tokenguard.endpoints.strict.url", "*://127.0.0.1:*/strict/*/token");
        }
        JavaProcess.Result run = p.run();
        assertThat(run.exitCode).as(run.toString()).isZero();
        return run;
    }

    /** case → step → line. */
    private static Map<String, Map<String, Line>> lines(JavaProcess.Result run) {
        Map<String, Map<String, Line>> byCase = new LinkedHashMap<>();
        for (String l : run.stdout.lines().filter(l -> l.startsWith("SECURITY ")).collect(Collectors.toList())) {
            Line line = new Line(l);
            byCase.computeIfAbsent(line.caseId, k -> new LinkedHashMap<>()).put(line.step, line);
        }
        assertThat(byCase).as(run.toString()).isNotEmpty();
        return byCase;
    }

    /** One {@code SECURITY {...}} line of {@link Scenario}. */
    private static final class Line {
        final String caseId;
        final String step;
        final int status;
        final String token;
        final String marker;
        final String exception;
        private final String raw;

        Line(String raw) {
            Map<String, String> f = new LinkedHashMap<>();
            Matcher m = FIELD.matcher(raw);
            while (m.find()) {
                f.put(m.group(1), m.group(3) != null ? m.group(3).replace("\\\"", "\"").replace("\\\\", "\\")
                        : "null".equals(m.group(2)) ? null : m.group(2));
            }
            this.caseId = f.get("case");
            this.step = f.get("step");
            this.status = Integer.parseInt(f.get("status"));
            this.token = f.get("token");
            this.marker = f.get("marker");
            this.exception = f.get("exception");
            this.raw = raw.substring("SECURITY ".length());
        }

        /** Whose token the app got: "tok-alice-7" → alice; null without a token. */
        String tokenOwner() {
            if (token == null || !token.startsWith("tok-")) {
                return null;
            }
            return token.substring(4, token.lastIndexOf('-'));
        }

        @Override
        public String toString() {
            return raw;
        }
    }
}
