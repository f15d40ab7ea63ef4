package io.tokenguard.agent.config;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Every setting's name; what is not here is an unknown key. */
final class ConfigKeys {
    static final String PREFIX = "tokenguard.";
    static final String MODE = "tokenguard.mode";
    static final String STRICT = "tokenguard.strict";
    static final String CONFIG = "tokenguard.config";
    static final String ENDPOINTS = "tokenguard.endpoints";
    static final String CACHE_MAX_ENTRIES = "tokenguard.cache.max-entries";
    static final String CACHE_REFRESH_SKEW = "tokenguard.cache.refresh-skew";
    static final String CACHE_REFRESH_GRANT_TTL = "tokenguard.cache.refresh-grant-ttl";
    static final String CAPTURE_MAX_BYTES = "tokenguard.capture.max-bytes";
    static final String CAPTURE_BODY_WAIT = "tokenguard.capture.body-wait";
    static final String COALESCE_MAX_WAIT = "tokenguard.coalesce.max-wait";
    static final String COOLDOWN_MAX = "tokenguard.cooldown.max";
    static final String IDENTITY_HEADERS = "tokenguard.identity.headers";
    static final String METRICS_JMX = "tokenguard.metrics.jmx";
    static final String METRICS_PROMETHEUS_PORT = "tokenguard.metrics.prometheus.port";
    static final String METRICS_PROMETHEUS_HOST = "tokenguard.metrics.prometheus.host";
    static final String EVENTS_FILE = "tokenguard.events.file";
    static final String REPORT_JSON = "tokenguard.report.json";
    static final String GUARDRAIL_FAIL_EXIT_CODE = "tokenguard.guardrail.fail-exit-code";
    static final String GUARDRAIL_MAX_UPSTREAM_PER_MINUTE = "tokenguard.guardrail.max-upstream-per-minute";
    static final String GUARDRAIL_ON_BREACH = "tokenguard.guardrail.on-breach";
    static final String METRICS_USER_TAG = "tokenguard.metrics.user-tag";
    static final String METRICS_MAX_TAG_VALUES = "tokenguard.metrics.max-tag-values";
    static final String REPORT_HTML = "tokenguard.report.html";
    static final String METRICS_OTLP_ENDPOINT = "tokenguard.metrics.otlp.endpoint";
    static final String METRICS_OTLP_INTERVAL = "tokenguard.metrics.otlp.interval";
    /** Tests only: the fault-injection switch (see io.tokenguard.bootstrap.TestFaults). */
    static final String TEST_FAIL_STAGE = "tokenguard.test.fail-stage";
    /** Its stage names, as io.tokenguard.bootstrap.TestFaults knows them (not loadable yet when settings are read). */
    static final List<String> TEST_STAGES = Collections.unmodifiableList(Arrays.asList("match", "parse", "cache",
            "throttle", "telemetry", "synthetic"));

    static final List<String> STATIC = Collections.unmodifiableList(Arrays.asList(MODE, STRICT, CONFIG, ENDPOINTS,
            CACHE_MAX_ENTRIES, CACHE_REFRESH_SKEW, CACHE_REFRESH_GRANT_TTL, CAPTURE_MAX_BYTES, CAPTURE_BODY_WAIT, COALESCE_MAX_WAIT, COOLDOWN_MAX,
            IDENTITY_HEADERS, METRICS_JMX, METRICS_PROMETHEUS_PORT, METRICS_PROMETHEUS_HOST, EVENTS_FILE, REPORT_JSON,
            GUARDRAIL_FAIL_EXIT_CODE, GUARDRAIL_MAX_UPSTREAM_PER_MINUTE, GUARDRAIL_ON_BREACH, METRICS_USER_TAG,
            METRICS_MAX_TAG_VALUES, REPORT_HTML, METRICS_OTLP_ENDPOINT, METRICS_OTLP_INTERVAL, TEST_FAIL_STAGE));

    /** Endpoint properties, longest first so that env-name matching takes the longest suffix. */
    static final List<String> ENDPOINT_PROPERTIES = Collections.unmodifiableList(Arrays.asList(
            "max-upstream-per-minute", "lockout-error-code", "lockout-status", "reject-status", "exempt-grants", "default-ttl", "limit-per",
            "max-delay", "on-limit", "cooldown", "limit", "url"));

    private static final Pattern ENDPOINT_KEY =
            Pattern.compile("tokenguard\\.endpoints\\.([a-z0-9_-]+)\\.([a-z-]+)(?:\\.(\\d+))?");

    private ConfigKeys() {
    }

    /** [id, property, index or null] of an endpoint key, or null when the key is not one. */
    static String[] endpointKey(String key) {
        Matcher m = ENDPOINT_KEY.matcher(key);
        if (!m.matches() || !ENDPOINT_PROPERTIES.contains(m.group(2))
                || (m.group(3) != null && !m.group(2).equals("url"))) {
            return null;
        }
        return new String[] {m.group(1), m.group(2), m.group(3)};
    }

    static boolean known(String key) {
        return STATIC.contains(key) || endpointKey(key) != null;
    }
}
