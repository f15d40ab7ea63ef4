package io.tokenguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenguard.sample.idp.EmulatedIdp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets and tokens never leave the app through TokenGuard: three agent-attached runs (enforce
 * and observe; HttpURLConnection, OkHttp 4, Apache 5; Eloqua and Twitter; right and wrong
 * passwords; a Twitter lockout; load mode) and every output they produce, stdout, stderr, the
 * events file, the JSON and HTML reports, Prometheus scrapes, OTLP pushes and the JMX MBeans, is
 * searched for each known secret string. Zero hits.
 */
class SecretLeakIT extends AgainstEmulatedIdp {
    /** A wrong password that could not turn up anywhere by chance. */
    private static final String BAD_PASSWORD = "Wr0ng-pw-7c1d9e";
    private static final String USERS = "alice,alice:" + BAD_PASSWORD + ",bob";

    /** What must never appear: client secrets, passwords, Basic credentials, and every issued token. */
    private static final Map<String, String> SECRETS = new LinkedHashMap<>();

    static {
        SECRETS.put("eloqua client secret", "sample-app-secret");
        SECRETS.put("eloqua client Basic credentials", basic("sample-app-client", "sample-app-secret"));
        SECRETS.put("twitter consumer secret", "sample-consumer-secret");
        SECRETS.put("twitter consumer Basic credentials", basic("sample-consumer", "sample-consumer-secret"));
        SECRETS.put("alice's password", "alice-pw");
        SECRETS.put("bob's password", "bob-pw");
        SECRETS.put("the wrong password", BAD_PASSWORD);
        SECRETS.put("any token the IdP issued", EmulatedIdp.TOKEN_MARKER);
    }

    private static final Jdk JDK = Jdk.all().get(0);

    @TempDir
    Path dir;

    /** Every output of every run, by where it came from. */
    private final Map<String, String> outputs = new LinkedHashMap<>();

    private static String basic(String id, String secret) {
        return Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void theIdpsTokensReallyCarryTheMarker() throws Exception {
        // Without this the token search could pass vacuously: a token from this very IdP holds the marker.
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(idp.baseUrl() + "/oauth2/token"))
                .header("Authorization", "Basic " + basic("other-consumer", "other-consumer-secret"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).contains("\"access_token\":\"AAAA" + EmulatedIdp.TOKEN_MARKER);
        idp.reset();
    }

    @Test
    void noSecretOrTokenInAnyOutputOfAnyRun() throws Exception {
        JDK.assumeInstalled();
        enforceWithEveryFileOutputAndAScrape();
        observeWithEventsOnStderr();
        loadModeWithAnOtlpPush();

        List<String> hits = new ArrayList<>();
        outputs.forEach((source, text) -> SECRETS.forEach((what, secret) -> {
            if (text.contains(secret)) {
                int at = text.indexOf(secret);
                hits.add(what + " in " + source + ": ..." + text.substring(Math.max(0, at - 80),
                        Math.min(text.length(), at + secret.length() + 20)) + "...");
            }
        }));
        assertThat(hits).as("searched " + outputs.keySet()).isEmpty();
    }

    /** Run 1: enforce, HttpURLConnection, both providers, a Twitter lockout; events file, reports, a scrape. */
    private void enforceWithEveryFileOutputAndAScrape() throws Exception {
        idp.lockTwitterFromNextCallFor(Duration.ofSeconds(30));
        Path events = dir.resolve("enforce-events.jsonl");
        Path json = dir.resolve("enforce-report.json");
        Path html = dir.resolve("enforce-report.html");
        int port = freePort();
        CompletableFuture<JavaProcess.Result> app = CompletableFuture.supplyAsync(() -> {
            try {
                return guardedApp(JDK).property("tokenguard.events.file", events.toString())
                        .property("tokenguard.report.json", json.toString())
                        .property("tokenguard.report.html", html.toString())
                        .property("tokenguard.metrics.prometheus.port", Integer.toString(port))
                        .args("--client", "urlconnection", "--provider", "both", "--users", USERS,
                                "--threads", "4", "--iterations", "5", "--rounds", "2", "--round-gap-ms", "2000",
                                "--print-mbeans", "tokenguard").run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<String> scrapes = new CopyOnWriteArrayList<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            String body = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
            scrapes.add(body);
            return body.contains("tokenguard_violations_total");
        }, done -> done || app.isDone());
        JavaProcess.Result run = app.get(120, TimeUnit.SECONDS);

        collect("enforce run", run);
        outputs.put("enforce events file", read(events));
        outputs.put("enforce JSON report", read(json));
        outputs.put("enforce HTML report", read(html));
        outputs.put("enforce Prometheus scrapes", String.join("\n", scrapes));
        // The outputs hold what they should, so the search below is not run over empty text.
        assertThat(outputs.get("enforce events file")).as(run.toString())
                .contains("\"kind\":\"local_limit\"", "\"kind\":\"upstream_lockout\"");
        assertThat(outputs.get("enforce Prometheus scrapes")).contains("tokenguard_violations_total");
        assertThat(run.stdout).contains("SAMPLE-MBEAN tokenguard:");
        assertThat(run.sample().row("eloqua", "alice").distinctTokens()).isEqualTo(1);
        assertThat(run.sample().row("eloqua", "alice:***").status(429)).isEqualTo(40);
        assertThat(run.sample().row("twitter", "sample-consumer").status(403)).isEqualTo(40);
        idp.reset();
    }

    /** Run 2: observe mode (everything reaches the IdP and its refusals), OkHttp 4, events on stderr. */
    private void observeWithEventsOnStderr() throws Exception {
        Path json = dir.resolve("observe-report.json");
        Path html = dir.resolve("observe-report.html");
        JavaProcess.Result run = Client.of("okhttp", "okhttp-4.12.0").applyTo(guardedApp(JDK))
                .property("tokenguard.mode", "observe")
                .property("tokenguard.report.json", json.toString())
                .property("tokenguard.report.html", html.toString())
                .args("--provider", "both", "--users", USERS, "--threads", "4", "--iterations", "5",
                        "--print-mbeans", "tokenguard").run();

        collect("observe run", run);
        outputs.put("observe JSON report", read(json));
        outputs.put("observe HTML report", read(html));
        assertThat(run.stderr).as(run.toString()).contains("\"action\":\"observed\"", "tokenguard: summary");
        assertThat(run.sample().row("eloqua", "alice").distinctTokens()).isEqualTo(1);
        assertThat(run.sample().row("twitter", "sample-consumer").status(200)).isPositive();
        idp.reset();
    }

    /** Run 3: load mode for 1 s on Apache HttpClient 5, meters pushed over OTLP. */
    private void loadModeWithAnOtlpPush() throws Exception {
        Path events = dir.resolve("load-events.jsonl");
        Path json = dir.resolve("load-report.json");
        Path html = dir.resolve("load-report.html");
        try (LocalCollector collector = new LocalCollector()) {
            JavaProcess.Result run = Client.of("apache5", "httpclient5-5.4.4").applyTo(guardedApp(JDK))
                    .property("tokenguard.events.file", events.toString())
                    .property("tokenguard.report.json", json.toString())
                    .property("tokenguard.report.html", html.toString())
                    .property("tokenguard.metrics.otlp.endpoint", collector.metricsUrl())
                    .property("tokenguard.metrics.otlp.interval", "1s")
                    .args("--provider", "both", "--users", USERS, "--threads", "8", "--load-seconds", "1").run();

            collect("load run", run);
            outputs.put("load events file", read(events));
            outputs.put("load JSON report", read(json));
            outputs.put("load HTML report", read(html));
            StringBuilder pushes = new StringBuilder();
            collector.pushes().forEach(p -> pushes.append(p.body).append('\n'));
            outputs.put("load OTLP pushes", pushes.toString());
            assertThat(outputs.get("load OTLP pushes")).as(run.toString()).contains("tokenguard.requests");
            assertThat(outputs.get("load events file")).contains("\"kind\":\"local_limit\"");
            // At least one pass per thread; how many more fit in the second depends on the machine.
            assertThat(run.sample().row("eloqua", "alice").asked()).isGreaterThanOrEqualTo(8);
        }
    }

    private void collect(String name, JavaProcess.Result run) {
        outputs.put(name + " stdout", run.stdout);
        outputs.put(name + " stderr", run.stderr);
    }

    private static String read(Path file) throws IOException {
        assertThat(file).exists();
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
