package io.tokenguard.agent.telemetry;

import io.micrometer.common.util.internal.logging.InternalLoggerFactory;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.ipc.http.HttpUrlConnectionSender;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpHttpMetricsSender;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.micrometer.registry.otlp.OtlpMetricsSender;
import io.tokenguard.agent.config.SafeText;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pushes the meters to an OpenTelemetry collector over OTLP/HTTP (protobuf), every interval and
 * once more when the JVM exits. Everything but the URL and the step follows Micrometer's OTLP
 * defaults, which read the standard OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME and
 * OTEL_EXPORTER_OTLP_HEADERS variables. The push goes out through HttpURLConnection; its URL is no
 * token endpoint, so the agent's own hook lets it pass untouched.
 */
final class OtlpExporter {
    static final String ENDPOINT_KEY = "tokenguard.metrics.otlp.endpoint";
    /** Short timeouts: the last push runs in the exit hook, and a dead collector must not hold the exit up. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private OtlpExporter() {
    }

    static AutoCloseable start(CompositeMeterRegistry composite, String url, Duration interval) {
        try {
            // Micrometer refuses slf4j's no-op binding and falls back to java.util.logging, so the push
            // registry would print its start-up and failure lines into the app's own logging. The
            // relocated Micrometer is ours alone: silence it; the lines that matter are said here.
            InternalLoggerFactory.setDefaultFactory(SilentLoggers.FACTORY);
            OtlpConfig config = new OtlpConfig() {
                @Override
                public String get(String key) {
                    return null;
                }

                @Override
                public String url() {
                    return url;
                }

                @Override
                public Duration step() {
                    return interval;
                }
            };
            OtlpMetricsSender http = new OtlpHttpMetricsSender(new HttpUrlConnectionSender(CONNECT_TIMEOUT, READ_TIMEOUT));
            OtlpMeterRegistry otlp = OtlpMeterRegistry.builder(config).clock(Clock.SYSTEM)
                    .metricsSender(failuresLoggedOnce(http, url))
                    .threadFactory(r -> {
                        Thread t = new Thread(r, "tokenguard-otlp");
                        t.setDaemon(true);
                        return t;
                    })
                    .build();
            composite.add(otlp);
            return () -> {
                composite.remove(otlp);
                otlp.close();
            };
        } catch (Throwable t) {
            AgentLog.error("cannot push " + ENDPOINT_KEY + "=" + SafeText.withoutUrlSecrets(url) + " (" + t.getClass().getSimpleName()
                    + "); metrics are not exported over OTLP");
            return null;
        }
    }

    /**
     * A collector that is down or refuses the push costs one error line, not one per interval;
     * the push keeps trying, and the app never notices.
     */
    private static OtlpMetricsSender failuresLoggedOnce(OtlpMetricsSender delegate, String url) {
        AtomicBoolean told = new AtomicBoolean();
        return request -> {
            try {
                delegate.send(request);
            } catch (Throwable t) {
                if (told.compareAndSet(false, true)) {
                    AgentLog.error("cannot push metrics to " + ENDPOINT_KEY + "=" + SafeText.withoutUrlSecrets(url) + " ("
                            + rootCause(t).getClass().getSimpleName() + "); retrying every interval, this is said once");
                }
            }
        };
    }

    /** The class of the innermost cause (a refused connection, an HTTP status); never its message. */
    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

}
