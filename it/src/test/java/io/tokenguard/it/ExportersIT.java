package io.tokenguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** OTLP push, JMX MBeans and the HTML report of a real agent-attached JVM. */
class ExportersIT extends AgainstEmulatedIdp {
    /** alice: 1 upstream + 4 cache; alice:WRONG: 5 rejected by the 1/60s limit; bob: 1 upstream + 4 cache. */
    private static final String[] BREACH = {"--provider", "eloqua", "--users", "alice,alice:WRONG,bob",
        "--threads", "1", "--iterations", "5"};

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void otlpPushesReachALocalCollectorWhileTheAppRunsAndAnUnwritableHtmlReportIsOneLine(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        Path html = dir.resolve("no-such-dir").resolve("report.html");
        try (LocalCollector collector = new LocalCollector()) {
            CompletableFuture<JavaProcess.Result> app = new CompletableFuture<>();
            collector.appRunning(() -> !app.isDone());
            CompletableFuture.runAsync(() -> {
                try {
                    // The app's own pacing (3 s between two rounds) leaves time for pushes while it runs.
                    app.complete(guardedApp(jdk).property("tokenguard.metrics.otlp.endpoint", collector.metricsUrl())
                            .property("tokenguard.metrics.otlp.interval", "1s")
                            .property("tokenguard.report.html", html.toString())
                            .args("--provider", "eloqua", "--users", "alice", "--threads", "4", "--iterations", "5",
                                    "--rounds", "2", "--round-gap-ms", "3000").run());
                } catch (Throwable t) {
                    app.completeExceptionally(t);
                }
            });

            await().atMost(Duration.ofSeconds(60)).until(() -> app.isDone() || collector.pushes().stream()
                    .anyMatch(p -> requests(p).isPresent()));
            JavaProcess.Result run = app.get(120, TimeUnit.SECONDS);

            List<LocalCollector.Push> withRequests = collector.pushes().stream()
                    .filter(p -> requests(p).isPresent()).collect(Collectors.toList());
            assertThat(withRequests).as(run.toString()).isNotEmpty();
            assertThat(withRequests).allSatisfy(p -> assertThat(p.path).isEqualTo("/v1/metrics"));
            // The last push has the run's 40 requests, as counts by endpoint and outcome.
            Metric last = requests(withRequests.get(withRequests.size() - 1)).orElseThrow();
            assertThat(last.getSum().getIsMonotonic()).isTrue();
            double eloqua = last.getSum().getDataPointsList().stream()
                    .filter(d -> d.getAttributesList().stream().anyMatch(
                            kv -> kv.getKey().equals("endpoint") && kv.getValue().getStringValue().equals("eloqua")))
                    .mapToDouble(NumberDataPoint::getAsDouble).sum();
            assertThat(eloqua).as(run.toString()).isEqualTo(40.0);
            assertThat(withRequests).as("a push before the app ended, not just the one at exit")
                    .anyMatch(p -> p.appStillRunning);
            assertThat(run.exitCode).as(run.toString()).isZero();
            assertThat(idp.tokenCalls("eloqua", "alice")).isEqualTo(1);
            // Micrometer's own start-up line must not land in the app's logging.
            assertThat(run.stderr).doesNotContain("OtlpMeterRegistry", "SLF4J");
            List<String> errors = run.stderr.lines().filter(l -> l.contains("ERROR")).collect(Collectors.toList());
            assertThat(errors).as(run.toString()).singleElement().satisfies(
                    e -> assertThat(e).contains("tokenguard.report.html", html.toString()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void theMBeansAndTheHtmlReportOfABreachCarryTheRunsNumbers(Jdk jdk) throws Exception {
        jdk.assumeInstalled();
        Path html = dir.resolve("report.html");

        JavaProcess.Result run = guardedApp(jdk).property("tokenguard.report.html", html.toString())
                .args(BREACH).args("--print-mbeans", "tokenguard").run();

        // JMX, read in the agent-attached JVM from its platform MBean server (by the app, at its end).
        assertThat(mbeanCount(run, "tokenguardRequests", "endpoint.eloqua", "outcome.upstream")).isEqualTo(2);
        assertThat(mbeanCount(run, "tokenguardRequests", "endpoint.eloqua", "outcome.cache")).isEqualTo(8);
        assertThat(mbeanCount(run, "tokenguardRequests", "endpoint.eloqua", "outcome.throttled")).isEqualTo(5);
        assertThat(mbeanCount(run, "tokenguardViolations", "kind.local_limit", "action.rejected")).isEqualTo(5);
        assertThat(idp.tokenCalls("eloqua")).isEqualTo(2);

        Document doc = DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(Files.readAllBytes(html)));
        Map<String, long[]> series = new HashMap<>();
        NodeList lines = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline");
        for (int i = 0; i < lines.getLength(); i++) {
            Element line = (Element) lines.item(i);
            series.put(line.getAttribute("data-series"), Arrays.stream(line.getAttribute("data-values").split(" "))
                    .mapToLong(Long::parseLong).toArray());
        }
        assertThat(series).as(run.toString()).containsOnlyKeys("requests", "upstream", "violations");
        assertThat(Arrays.stream(series.get("requests")).sum()).isEqualTo(15);
        assertThat(Arrays.stream(series.get("upstream")).sum()).isEqualTo(2);
        assertThat(Arrays.stream(series.get("violations")).sum()).isEqualTo(5);
        String page = Files.readString(html);
        assertThat(page).contains("eloqua: local_limit (rejected) x5").doesNotContain("WRONG", "alice-pw",
                "sample-app-secret", "<script");
        assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
    }

    /** The Count of the one tokenguard MBean whose name has every part, from the SAMPLE-MBEAN lines. */
    private static long mbeanCount(JavaProcess.Result run, String... parts) {
        List<String> matching = run.stdout.lines().filter(l -> l.startsWith("SAMPLE-MBEAN tokenguard:"))
                .filter(l -> Arrays.stream(parts).allMatch(l::contains)).collect(Collectors.toList());
        assertThat(matching).as(run.toString()).hasSize(1);
        String line = matching.get(0);
        return (long) Double.parseDouble(line.substring(line.lastIndexOf("Count=") + "Count=".length()));
    }

    /** The push's tokenguard.requests metric, decoded with OpenTelemetry's own protobuf classes. */
    private static Optional<Metric> requests(LocalCollector.Push push) {
        try {
            return ExportMetricsServiceRequest.parseFrom(push.body.getBytes(StandardCharsets.ISO_8859_1))
                    .getResourceMetricsList().stream().flatMap(r -> r.getScopeMetricsList().stream())
                    .flatMap(sm -> sm.getMetricsList().stream())
                    .filter(m -> m.getName().equals("tokenguard.requests")).findFirst();
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("a push to " + push.path + " that is no ExportMetricsServiceRequest", e);
        }
    }
}
