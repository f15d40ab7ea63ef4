package io.tokenguard.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian {@code prometheus} this test started on a free loopback port, scraping one target every
 * second, its data in a temporary directory; {@link #close} stops it by its own Process.
 */
final class PrometheusServer implements AutoCloseable {
    static final Path EXECUTABLE = Paths.get(System.getProperty("tokenguard.it.prometheus", "/usr/bin/prometheus"));
    private static final int ATTEMPTS = 5;

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PrometheusServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Scrapes {@code http://127.0.0.1:<target>/metrics} as job "tokenguard"; returns once it is ready. */
    static PrometheusServer scraping(int target, Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException("no " + EXECUTABLE + ": .ci/run installs Debian's prometheus package");
        }
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                + "scrape_configs:\n  - job_name: tokenguard\n    static_configs:\n"
                + "      - targets: ['127.0.0.1:" + target + "']\n");
        String failures = "";
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = freePort();
            Path log = dir.resolve("prometheus-" + attempt + ".log");
            Process p = new ProcessBuilder(EXECUTABLE.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data-" + attempt), "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn").redirectErrorStream(true).redirectOutput(log.toFile()).start();
            PrometheusServer server = new PrometheusServer(p, port, log);
            if (server.awaitReady()) {
                return server;
            }
            failures += "\n" + server.log();
            server.close();
        }
        throw new IllegalStateException("prometheus did not start in " + ATTEMPTS + " attempts:" + failures);
    }

    private boolean awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            // A poll interval, not a wait for a race: readiness has no event to wait on.
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        return false;
    }

    /** The instant query's result vector: each element's labels and its value. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Object> answer = (Map<String, Object>) Json.parse(r.body());
        if (r.statusCode() != 200 || !"success".equals(answer.get("status"))) {
            throw new IllegalStateException("query " + promql + " failed: " + r.statusCode() + " " + r.body());
        }
        return (List<Map<String, Object>>) ((Map<String, Object>) answer.get("data")).get("result");
    }

    /** The value of a query answering one series, or NaN when it answers none. */
    @SuppressWarnings("unchecked")
    double value(String promql) throws IOException, InterruptedException {
        List<Map<String, Object>> result = query(promql);
        if (result.isEmpty()) {
            return Double.NaN;
        }
        if (result.size() > 1) {
            throw new AssertionError(promql + " answered " + result.size() + " series: " + result);
        }
        return Double.parseDouble((String) ((List<Object>) result.get(0).get("value")).get(1));
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "no log: " + e;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
