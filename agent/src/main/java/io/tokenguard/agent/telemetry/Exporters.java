package io.tokenguard.agent.telemetry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.util.HierarchicalNameMapper;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The meter exporters the settings turn on, added to the composite registry. */
final class Exporters {
    static final String JMX_DOMAIN = "tokenguard";
    static final String PROMETHEUS_PORT_KEY = "tokenguard.metrics.prometheus.port";
    static final String VERDICT_PATH = "/tokenguard/verdict";

    private Exporters() {
    }

    /**
     * Publishes the meters as MBeans. The platform MBean server is created on first use; apps
     * that install their own JMX or logging set-up early (application servers) expect to do that
     * themselves, so this runs at the first token request, never in premain.
     */
    static AutoCloseable jmx(CompositeMeterRegistry composite) {
        try {
            JmxMeterRegistry jmx = new JmxMeterRegistry(new JmxConfig() {
                @Override
                public String get(String key) {
                    return null;
                }

                @Override
                public String domain() {
                    return JMX_DOMAIN;
                }
            }, Clock.SYSTEM, HierarchicalNameMapper.DEFAULT);
            composite.add(jmx);
            return () -> {
                composite.remove(jmx);
                jmx.close();
            };
        } catch (Throwable t) {
            AgentLog.error("cannot publish metrics over JMX (" + t.getClass().getSimpleName()
                    + "); set tokenguard.metrics.jmx=false to skip it");
            return null;
        }
    }

    /**
     * Serves /metrics in the Prometheus text format. The JDK server's dispatcher thread inherits
     * the daemon flag of the thread that starts it, so it is started from a daemon thread: the
     * endpoint never keeps the app's JVM alive.
     */
    static AutoCloseable prometheus(CompositeMeterRegistry composite, String host, int port, Verdict verdict) {
        try {
            return startPrometheus(composite, host, port, verdict);
        } catch (Throwable t) {
            AgentLog.error("cannot serve " + PROMETHEUS_PORT_KEY + "=" + port + " on " + host + " ("
                    + t.getClass().getSimpleName() + "); metrics are not exported to Prometheus");
            return null;
        }
    }

    private static AutoCloseable startPrometheus(CompositeMeterRegistry composite, String host, int port,
            Verdict verdict) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (BindException e) {
            AgentLog.error("cannot serve " + PROMETHEUS_PORT_KEY + "=" + port + " on " + host
                    + ": the port is in use or the address is not local; metrics are not exported to Prometheus");
            return null;
        } catch (IOException | RuntimeException e) {
            AgentLog.error("cannot serve " + PROMETHEUS_PORT_KEY + "=" + port + " on " + host + " ("
                    + e.getClass().getSimpleName() + "); metrics are not exported to Prometheus");
            return null;
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tokenguard-prometheus");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> answer(exchange, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape()));
        server.createContext(VERDICT_PATH, exchange -> answer(exchange, "application/json",
                verdict.getReport() + "\n"));
        composite.add(registry);
        Thread starter = new Thread(server::start, "tokenguard-prometheus-start");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return () -> {
            composite.remove(registry);
            server.stop(0);
            executor.shutdownNow();
            registry.close();
        };
    }

    private static void answer(HttpExchange exchange, String contentType, String text) throws IOException {
        try {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } finally {
            exchange.close();
        }
    }
}
