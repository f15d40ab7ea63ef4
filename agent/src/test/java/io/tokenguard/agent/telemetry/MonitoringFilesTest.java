package io.tokenguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * agent/monitoring: the rules pass promtool's check and their unit tests, and the dashboard and the rules
 * ask only for series the agent really exports (a renamed meter breaks this test, not a dashboard).
 */
class MonitoringFilesTest {
    private static final Path DIR = Path.of("monitoring");
    private static final Pattern METRIC = Pattern.compile("\\btokenguard_[a-z_]+");
    private static final Pattern RECORDED = Pattern.compile("\\b[a-z_]+:tokenguard_[a-z_]+:[a-z0-9_]+");

    @Test
    void theRulesPassPromtoolsCheckAndTheirUnitTests() throws Exception {
        Promtool.assumeInstalled();
        Promtool.Result check = Promtool.run(DIR, null, "check", "rules", "prometheus-rules.yml");
        assertThat(check.exitCode).as(check.toString()).isZero();
        Promtool.Result test = Promtool.run(DIR, null, "test", "rules", "prometheus-rules.test.yml");
        assertThat(test.exitCode).as(test.toString()).isZero();
        assertThat(test.output).contains("SUCCESS");
    }

    @Test
    void theDashboardAndTheRulesNameOnlySeriesTheAgentExports() throws Exception {
        Set<String> exported = exportedSeries();
        String rules = Files.readString(DIR.resolve("prometheus-rules.yml"));
        Set<String> recorded = new HashSet<>();
        Matcher r = Pattern.compile("record:\\s*(\\S+)").matcher(rules);
        while (r.find()) {
            recorded.add(r.group(1));
        }
        assertThat(recorded).hasSize(3);

        List<String> queries = dashboardQueries();
        assertThat(queries).hasSizeGreaterThanOrEqualTo(9);
        for (String text : concat(queries, List.of(rules))) {
            Matcher rec = RECORDED.matcher(text);
            while (rec.find()) {
                assertThat(recorded).as("recording rule %s", rec.group()).contains(rec.group());
            }
            Matcher m = METRIC.matcher(RECORDED.matcher(text).replaceAll(" "));
            while (m.find()) {
                assertThat(exported).as("series %s in %s", m.group(), DIR).contains(m.group());
            }
        }
    }

    /** Every expr and variable query of the dashboard, which must be well-formed JSON with a title and uid. */
    private static List<String> dashboardQueries() throws Exception {
        List<String> queries = new ArrayList<>();
        Set<String> top = new HashSet<>();
        try (JsonParser p = JsonFactory.builder().build().createParser(DIR.resolve("grafana-dashboard.json").toFile())) {
            int depth = 0;
            for (JsonToken t; (t = p.nextToken()) != null; ) {
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                } else if (t == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    if (depth == 1) {
                        top.add(name);
                    }
                    if (("expr".equals(name) || "query".equals(name)) && p.nextToken() == JsonToken.VALUE_STRING) {
                        queries.add(p.getText());
                    }
                }
            }
        }
        assertThat(top).contains("title", "uid", "panels", "templating", "__inputs");
        return queries;
    }

    /** The Prometheus names of every meter, read off a scrape: the base names and their suffixed series. */
    private static Set<String> exportedSeries() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Telemetry telemetry = new Telemetry();
        ((CompositeMeterRegistry) telemetry.registry()).add(prometheus);
        EveryMeter.record(telemetry);
        telemetry.registry().gauge("tokenguard.build.info", 1);
        Set<String> names = prometheus.scrape().lines().filter(l -> !l.isEmpty())
                .map(l -> l.startsWith("# ") ? l.split(" ")[2] : l.split("[{ ]")[0]).collect(Collectors.toSet());
        telemetry.close();
        assertThat(names).contains("tokenguard_requests_total", "tokenguard_upstream_duration_seconds_bucket",
                "tokenguard_build_info");
        return names;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
