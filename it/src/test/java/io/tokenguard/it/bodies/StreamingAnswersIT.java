package io.tokenguard.it.bodies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.tokenguard.it.Client;
import io.tokenguard.it.JavaProcess;
import io.tokenguard.it.Jdk;
import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Answers the agent cannot or must not hold (issue 10 §7), through every client, on each JDK: one
 * child JVM per group of clients whose libraries get along runs every case without the agent, one with
 * it (capture limit 4 KiB, body wait 500 ms), both with a 64 MiB heap, against the same IdP:
 * <ul>
 *   <li>a 192 MiB answer, three times the heap: the app gets the status while the IdP still holds most
 *   of the body back (it waits for the app to say it has the status), then every byte, as without the
 *   agent (length and SHA-256);</li>
 *   <li>an endless chunked answer: the app gets the status, reads 1 MiB and closes, and the IdP sees
 *   the connection go;</li>
 *   <li>a body dripping a byte every 300 ms (client read timeout 2 s): the status within 1.5 s, the
 *   body whole.</li>
 * </ul>
 * Every case reaches the IdP exactly once per run.
 */
class StreamingAnswersIT {
    /** Clients whose libraries share one JVM, with the library sets they need. */
    private static final List<Group> GROUPS = List.of(
            new Group("g1", List.of("okhttp-3.14.9", "httpclient-4.5.14", "httpclient5-5.4.4"),
                    List.of("urlconnection", "jdkhttp", "okhttp", "apache4", "apache5", "apache5-async")),
            new Group("g2", List.of("okhttp-4.12.0", "httpclient5-5.6.5"), List.of("okhttp", "apache5", "apache5-async")),
            new Group("g3", List.of("okhttp-5.5.1"), List.of("okhttp")));
    private static final long DRIP_STATUS_WITHIN_MILLIS = 1_500;

    private static final class Group {
        final String name;
        final List<String> libraries;
        final List<String> clients;

        Group(String name, List<String> libraries, List<String> clients) {
            this.name = name;
            this.libraries = libraries;
            this.clients = clients;
        }

        String label(String client) {
            String lib = libraries.stream().filter(l -> l.startsWith(client.startsWith("okhttp") ? "okhttp"
                    : client.startsWith("apache5") ? "httpclient5" : client.startsWith("apache4") ? "httpclient-" : "-"))
                    .findFirst().orElse(null);
            return lib == null ? client : client + "@" + lib;
        }
    }

    @TestFactory
    Stream<DynamicNode> largeEndlessAndSlowAnswersStreamToTheAppAsWithoutTheAgent() throws Exception {
        String bigSha = StreamingIdp.sha(StreamingIdp.BIG);
        String endlessSha = StreamingIdp.sha(BodyRunner.ENDLESS_READ);
        String dripSha = StreamingIdp.dripSha();
        List<DynamicNode> perJdk = new ArrayList<>();
        for (Jdk jdk : Jdk.all()) {
            if (!jdk.installed()) {
                perJdk.add(dynamicTest(jdk + " (not installed)", jdk::assumeInstalled));
                continue;
            }
            List<DynamicNode> tests = new ArrayList<>();
            try (StreamingIdp idp = new StreamingIdp()) {
                for (Group g : GROUPS) {
                    String bare = jdk + "-" + g.name + "-bare";
                    String guarded = jdk + "-" + g.name + "-agent";
                    JavaProcess.Result bareRun;
                    JavaProcess.Result agentRun;
                    try {
                        bareRun = run(jdk, idp, g, bare, false);
                        agentRun = run(jdk, idp, g, guarded, true);
                    } catch (AssertionError hung) {
                        // A child that never finished (an app stuck behind a body the agent held): this group fails.
                        tests.add(dynamicTest(g.name + ": both runs finished", () -> {
                            throw hung;
                        }));
                        continue;
                    }
                    Map<String, Line> without = Line.parse(bareRun);
                    Map<String, Line> with = Line.parse(agentRun);
                    // Read now, while the IdP is up: the endless answers' connections go when the apps close them.
                    Map<String, Boolean> closed = new LinkedHashMap<>();
                    for (String client : g.clients) {
                        for (String ticket : List.of(bare, guarded)) {
                            String path = "/bodies/endless-" + ticket + "-" + client;
                            closed.put(path, awaitAbandoned(idp, path));
                        }
                    }
                    Map<String, Integer> hits = new LinkedHashMap<>();
                    for (String client : g.clients) {
                        for (String ticket : List.of(bare, guarded)) {
                            for (String kase : List.of("big", "endless", "drip")) {
                                String path = "/bodies/" + kase + "-" + ticket + "-" + client;
                                hits.put(path, idp.hits(path));
                            }
                        }
                    }
                    tests.add(dynamicTest(g.name + ": both runs ended cleanly, the agent logged no fault", () -> {
                        assertThat(bareRun.exitCode).as(bareRun.toString()).isZero();
                        assertThat(agentRun.exitCode).as(agentRun.toString()).isZero();
                        assertThat(agentRun.stderr).as(agentRun.toString())
                                .doesNotContain("internal fault", "could not instrument", "OutOfMemoryError");
                    }));
                    for (String client : g.clients) {
                        String label = g.label(client);
                        Line bigWithout = without.get(client + "/big");
                        Line bigWith = with.get(client + "/big");
                        tests.add(dynamicTest(label + " big: the status first, then every byte", () -> {
                            for (Line l : new Line[] {bigWithout, bigWith}) {
                                assertThat(l).as("%s line in\n%s", label, agentRun).isNotNull();
                                assertThat(l.exception).as(l.raw).isNull();
                                assertThat(l.status).as(l.raw).isEqualTo(200);
                                assertThat(l.length).as(l.raw).isEqualTo(StreamingIdp.BIG);
                                assertThat(l.sha).as(l.raw).isEqualTo(bigSha);
                            }
                            assertThat(hits.get("/bodies/big-" + guarded + "-" + client)).isEqualTo(1);
                            assertThat(hits.get("/bodies/big-" + bare + "-" + client)).isEqualTo(1);
                        }));
                        Line endlessWithout = without.get(client + "/endless");
                        Line endlessWith = with.get(client + "/endless");
                        tests.add(dynamicTest(label + " endless: the status, a first part, then closed", () -> {
                            for (Line l : new Line[] {endlessWithout, endlessWith}) {
                                assertThat(l).as("%s line in\n%s", label, agentRun).isNotNull();
                                assertThat(l.exception).as(l.raw).isNull();
                                assertThat(l.status).as(l.raw).isEqualTo(200);
                                assertThat(l.length).as(l.raw).isEqualTo(BodyRunner.ENDLESS_READ);
                                assertThat(l.sha).as(l.raw).isEqualTo(endlessSha);
                            }
                            assertThat(closed.get("/bodies/endless-" + bare + "-" + client))
                                    .as("without the agent, closing released the connection").isTrue();
                            assertThat(closed.get("/bodies/endless-" + guarded + "-" + client))
                                    .as("with the agent, closing released the connection").isTrue();
                            assertThat(hits.get("/bodies/endless-" + guarded + "-" + client)).isEqualTo(1);
                        }));
                        Line dripWithout = without.get(client + "/drip");
                        Line dripWith = with.get(client + "/drip");
                        tests.add(dynamicTest(label + " drip: the status within the body wait, the body whole", () -> {
                            for (Line l : new Line[] {dripWithout, dripWith}) {
                                assertThat(l).as("%s line in\n%s", label, agentRun).isNotNull();
                                assertThat(l.exception).as(l.raw).isNull();
                                assertThat(l.status).as(l.raw).isEqualTo(200);
                                assertThat(l.length).as(l.raw).isEqualTo(StreamingIdp.DRIP);
                                assertThat(l.sha).as(l.raw).isEqualTo(dripSha);
                                assertThat(l.statusMillis).as(l.raw).isLessThan(DRIP_STATUS_WITHIN_MILLIS);
                            }
                            assertThat(hits.get("/bodies/drip-" + guarded + "-" + client)).isEqualTo(1);
                            assertThat(hits.get("/bodies/drip-" + bare + "-" + client)).isEqualTo(1);
                        }));
                    }
                }
            }
            perJdk.add(dynamicContainer(jdk.toString(), tests));
        }
        return perJdk.stream();
    }

    private static boolean awaitAbandoned(StreamingIdp idp, String path) {
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> idp.abandoned.contains(path));
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    private static JavaProcess.Result run(Jdk jdk, StreamingIdp idp, Group g, String ticket, boolean agent)
            throws Exception {
        StringBuilder cp = new StringBuilder(
                Paths.get(BodyRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        for (String set : g.libraries) {
            for (Path jar : Client.jars(set)) {
                cp.append(File.pathSeparatorChar).append(jar);
            }
        }
        List<String> args = new ArrayList<>(List.of(idp.baseUrl(), ticket));
        args.addAll(g.clients);
        JavaProcess p = JavaProcess.on(jdk).jvmOption("-Xmx64m").main(BodyRunner.class.getName(), cp.toString())
                .args(args.toArray(new String[0]));
        if (agent) {
            p.withAgent().property("tokenguard.endpoints.bodies.url", "http://127.0.0.1:*/bodies/*")
                    .property("tokenguard.capture.max-bytes", "4096")
                    .property("tokenguard.capture.body-wait", "500ms");
        }
        return p.run();
    }

    /** One {@code BODIES {...}} line of {@link BodyRunner}. */
    private static final class Line {
        private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(null|-?\\d+|\"((?:[^\"\\\\]|\\\\.)*)\")");
        final String raw;
        final int status;
        final long statusMillis;
        final String exception;
        final long length;
        final String sha;

        private Line(Map<String, String> f, String raw) {
            this.raw = raw;
            this.status = Integer.parseInt(f.get("status"));
            this.statusMillis = Long.parseLong(f.get("statusMillis"));
            this.exception = f.get("exception");
            this.length = Long.parseLong(f.get("length"));
            this.sha = f.get("sha");
        }

        /** By "client/case". */
        static Map<String, Line> parse(JavaProcess.Result run) {
            Map<String, Line> lines = new LinkedHashMap<>();
            run.stdout.lines().filter(l -> l.startsWith("BODIES ")).forEach(l -> {
                Map<String, String> f = new LinkedHashMap<>();
                Matcher m = FIELD.matcher(l);
                while (m.find()) {
                    f.put(m.group(1), m.group(3) != null ? m.group(3) : "null".equals(m.group(2)) ? null : m.group(2));
                }
                lines.put(f.get("client") + "/" + f.get("case"), new Line(f, l));
            });
            return lines;
        }
    }
}
