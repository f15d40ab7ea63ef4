package io.tokenguard.agent.config;

import io.tokenguard.agent.catalog.Durations;
import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.LimitPer;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.catalog.RateLimit;
import io.tokenguard.agent.catalog.UrlPattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** Turns merged raw settings into {@link AgentSettings}; every invalid value becomes one error line. */
final class SettingsReader {

    private final RawSettings raw;
    private final List<String> errors;

    SettingsReader(RawSettings raw, List<String> errors) {
        this.raw = raw;
        this.errors = errors;
    }

    boolean strict() {
        RawSettings.Value v = raw.get(ConfigKeys.STRICT);
        return v != null && v.text != null && "true".equalsIgnoreCase(v.text.trim());
    }

    AgentSettings read() {
        AgentSettings.Builder b = AgentSettings.builder();
        b.mode(value(ConfigKeys.MODE, Mode.ENFORCE, "enforce, observe or off",
                t -> Mode.valueOf(t.toUpperCase(Locale.ROOT))));
        b.strict(value(ConfigKeys.STRICT, false, "true or false", SettingsReader::bool));
        b.cacheMaxEntries(value(ConfigKeys.CACHE_MAX_ENTRIES, 10_000, "a whole number from 1 to 10000000",
                t -> intIn(t, 1, 10_000_000)));
        b.refreshSkew(value(ConfigKeys.CACHE_REFRESH_SKEW, Duration.ofSeconds(60), Durations.EXPECTED,
                SettingsReader::duration));
        b.refreshGrantTtl(value(ConfigKeys.CACHE_REFRESH_GRANT_TTL, Duration.ofSeconds(30), Durations.EXPECTED,
                SettingsReader::positiveDuration));
        b.captureMaxBytes(value(ConfigKeys.CAPTURE_MAX_BYTES, 65_536, "a whole number from 1 to 16777216",
                t -> intIn(t, 1, 16_777_216)));
        b.captureBodyWait(value(ConfigKeys.CAPTURE_BODY_WAIT, Duration.ofSeconds(1), Durations.EXPECTED,
                SettingsReader::duration));
        b.cooldownMax(value(ConfigKeys.COOLDOWN_MAX, Duration.ofMinutes(15), Durations.EXPECTED,
                SettingsReader::positiveDuration));
        b.coalesceMaxWait(value(ConfigKeys.COALESCE_MAX_WAIT, Duration.ofSeconds(30), Durations.EXPECTED,
                SettingsReader::positiveDuration));
        b.identityHeaders(value(ConfigKeys.IDENTITY_HEADERS, AgentSettings.DEFAULT_IDENTITY_HEADERS,
                "a comma-separated list of header names", SettingsReader::lowerCaseList));
        b.metricsJmx(value(ConfigKeys.METRICS_JMX, true, "true or false", SettingsReader::bool));
        b.prometheusPort(value(ConfigKeys.METRICS_PROMETHEUS_PORT, 0, "a TCP port from 1 to 65535",
                t -> intIn(t, 1, 65_535)));
        b.prometheusHost(value(ConfigKeys.METRICS_PROMETHEUS_HOST, AgentSettings.DEFAULT_PROMETHEUS_HOST,
                "a host name or IP address to listen on", SettingsReader::nonEmpty));
        b.eventsFile(value(ConfigKeys.EVENTS_FILE, (String) null, "a file path", SettingsReader::nonEmpty));
        b.reportJson(value(ConfigKeys.REPORT_JSON, (String) null, "a file path", SettingsReader::nonEmpty));
        b.failExitCode(value(ConfigKeys.GUARDRAIL_FAIL_EXIT_CODE, 0, "an exit status from 1 to 255",
                t -> intIn(t, 1, 255)));
        b.maxUpstreamPerMinute(value(ConfigKeys.GUARDRAIL_MAX_UPSTREAM_PER_MINUTE, 0,
                "a whole number of upstream calls from 1 to 10000000", t -> intIn(t, 1, 10_000_000)));
        b.onBreach(value(ConfigKeys.GUARDRAIL_ON_BREACH, OnBreach.REJECT, "reject or observe",
                t -> OnBreach.valueOf(t.toUpperCase(Locale.ROOT))));
        b.userTag(value(ConfigKeys.METRICS_USER_TAG, UserTag.OFF, "off or hashed",
                t -> UserTag.valueOf(t.toUpperCase(Locale.ROOT))));
        b.maxTagValues(value(ConfigKeys.METRICS_MAX_TAG_VALUES, 100, "a whole number from 1 to 10000",
                t -> intIn(t, 1, 10_000)));
        b.reportHtml(value(ConfigKeys.REPORT_HTML, (String) null, "a file path", SettingsReader::nonEmpty));
        b.otlp(value(ConfigKeys.METRICS_OTLP_ENDPOINT, (String) null,
                "an http(s) URL like http://127.0.0.1:4318/v1/metrics", SettingsReader::httpUrl),
                value(ConfigKeys.METRICS_OTLP_INTERVAL, AgentSettings.DEFAULT_OTLP_INTERVAL, Durations.EXPECTED,
                        SettingsReader::positiveDuration));
        b.testFailStages(value(ConfigKeys.TEST_FAIL_STAGE, Collections.<String>emptyList(),
                "a comma-separated list of stages (" + String.join(", ", ConfigKeys.TEST_STAGES) + "); for tests only",
                SettingsReader::stages));
        for (String id : endpointIds()) {
            EndpointRule rule = rule(id);
            if (rule != null) {
                b.rule(rule);
            }
        }
        return b.build();
    }

    /** Ids in force: tokenguard.endpoints when set, else every id any source defines. */
    private List<String> endpointIds() {
        Set<String> defined = new LinkedHashSet<>();
        for (String key : raw.all().keySet()) {
            String[] parts = ConfigKeys.endpointKey(key);
            if (parts != null) {
                defined.add(parts[0]);
            }
        }
        RawSettings.Value listed = raw.get(ConfigKeys.ENDPOINTS);
        if (listed == null || listed.text == null) {
            return new ArrayList<>(defined);
        }
        List<String> ids = new ArrayList<>();
        for (String id : split(listed.text)) {
            if (!defined.contains(id)) {
                error(ConfigKeys.ENDPOINTS, listed, "ids of defined endpoints (" + String.join(", ", defined)
                        + "); '" + id + "' has no tokenguard.endpoints." + id + ".url");
            } else {
                ids.add(id);
            }
        }
        return ids;
    }

    private EndpointRule rule(String id) {
        String p = ConfigKeys.ENDPOINTS + "." + id + ".";
        List<String> urls = urls(id);
        if (urls.isEmpty()) {
            errors.add("tokenguard: missing setting " + p + "url: endpoint '" + id + "' needs at least one URL pattern");
            return null;
        }
        EndpointRule.Builder b = EndpointRule.builder(id);
        boolean anyUrl = false;
        for (String url : urls) {
            try {
                b.url(url);
                anyUrl = true;
            } catch (IllegalArgumentException e) {
                error(p + "url", raw.get(p + "url") == null ? new RawSettings.Value(url, "settings")
                        : raw.get(p + "url"), UrlPattern.EXPECTED);
            }
        }
        b.limit(value(p + "limit", (RateLimit) null, RateLimit.EXPECTED, RateLimit::parse));
        b.limitPer(value(p + "limit-per", LimitPer.USER, "user or client",
                t -> LimitPer.valueOf(t.toUpperCase(Locale.ROOT))));
        b.onLimit(value(p + "on-limit", OnLimit.REJECT, "reject, delay or observe",
                t -> OnLimit.valueOf(t.toUpperCase(Locale.ROOT))));
        b.maxDelay(value(p + "max-delay", Duration.ofSeconds(30), Durations.EXPECTED, SettingsReader::positiveDuration));
        b.defaultTtl(value(p + "default-ttl", Duration.ofMinutes(5), Durations.EXPECTED,
                SettingsReader::positiveDuration));
        b.exemptGrants(value(p + "exempt-grants", new ArrayList<String>(), "a comma-separated list of grant types",
                SettingsReader::split).toArray(new String[0]));
        b.cooldown(value(p + "cooldown", Duration.ofSeconds(60), Durations.EXPECTED, SettingsReader::positiveDuration));
        int lockoutStatus = value(p + "lockout-status", 0, "an HTTP status from 400 to 599", t -> intIn(t, 400, 599));
        String lockoutCode = value(p + "lockout-error-code", (String) null, "an error code", t -> nonEmpty(t));
        b.lockout(lockoutStatus, lockoutCode);
        b.rejectStatus(value(p + "reject-status", 429, "an HTTP status from 400 to 599", t -> intIn(t, 400, 599)));
        b.maxUpstreamPerMinute(value(p + "max-upstream-per-minute", 0,
                "a whole number of upstream calls from 1 to 10000000", t -> intIn(t, 1, 10_000_000)));
        // Without a valid URL the error lines already say why; there is no rule to build.
        return anyUrl ? b.build() : null;
    }

    /** url, then url.2, url.3 ... in number order; each may be a comma-separated list. */
    private List<String> urls(String id) {
        Map<Integer, String> ordered = new TreeMap<>();
        for (Map.Entry<String, RawSettings.Value> e : raw.all().entrySet()) {
            String[] parts = ConfigKeys.endpointKey(e.getKey());
            if (parts != null && parts[0].equals(id) && parts[1].equals("url") && e.getValue().text != null) {
                ordered.put(parts[2] == null ? 1 : Integer.parseInt(parts[2]), e.getValue().text);
            }
        }
        List<String> urls = new ArrayList<>();
        for (String list : ordered.values()) {
            urls.addAll(split(list));
        }
        return urls;
    }

    private <T> T value(String key, T fallback, String expected, Function<String, T> parse) {
        RawSettings.Value v = raw.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            if (v.text == null) {
                throw new IllegalArgumentException("no value");
            }
            T parsed = parse.apply(v.text.trim());
            if (parsed == null && fallback != null) {
                throw new IllegalArgumentException("no value");
            }
            return parsed;
        } catch (RuntimeException e) {
            error(key, v, expected);
            return fallback;
        }
    }

    private void error(String key, RawSettings.Value v, String expected) {
        errors.add("tokenguard: invalid value for " + key + "='" + SafeText.withoutUrlSecrets(v.text) + "' (from " + v.source
                + "): expected " + expected);
    }


    private static boolean bool(String t) {
        if (t.equalsIgnoreCase("true")) {
            return true;
        }
        if (t.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(t);
    }

    private static int intIn(String t, int min, int max) {
        int n = Integer.parseInt(t);
        if (n < min || n > max) {
            throw new IllegalArgumentException(t);
        }
        return n;
    }

    private static Duration duration(String t) {
        return Durations.parse(t);
    }

    private static Duration positiveDuration(String t) {
        Duration d = Durations.parse(t);
        if (d.isZero()) {
            throw new IllegalArgumentException(t);
        }
        return d;
    }

    private static String nonEmpty(String t) {
        if (t.isEmpty()) {
            throw new IllegalArgumentException(t);
        }
        return t;
    }

    private static String httpUrl(String t) {
        java.net.URI uri = java.net.URI.create(t);
        if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                || uri.getHost() == null) {
            throw new IllegalArgumentException(t);
        }
        return t;
    }

    static List<String> split(String list) {
        List<String> out = new ArrayList<>();
        for (String s : Arrays.asList(list.split(","))) {
            if (!s.trim().isEmpty()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    /** Known stage names only; an unknown name makes the whole value invalid. */
    private static List<String> stages(String list) {
        List<String> stages = lowerCaseList(list);
        if (stages.isEmpty() || !ConfigKeys.TEST_STAGES.containsAll(stages)) {
            throw new IllegalArgumentException(list);
        }
        return stages;
    }

    private static List<String> lowerCaseList(String list) {
        List<String> out = new ArrayList<>();
        for (String s : split(list)) {
            out.add(s.toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
