package io.tokenguard.agent.config;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.UrlPattern;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Turns merged raw settings into {@link AgentSettings}; every invalid value becomes one error line. */
final class SettingsReader {

    private final RawSettings raw;
    private final List<String> errors;

    SettingsReader(RawSettings raw, List<String> errors) {
        this.raw = raw;
        this.errors = errors;
    }

    boolean strict() {
        RawSettings.Value v = raw.get(Setting.STRICT.key);
        return v != null && v.text != null && "true".equalsIgnoreCase(v.text.trim());
    }

    AgentSettings read() {
        AgentSettings.Builder b = AgentSettings.builder();
        b.mode(get(Setting.MODE));
        b.strict(get(Setting.STRICT));
        b.cacheMaxEntries(get(Setting.CACHE_MAX_ENTRIES));
        b.refreshSkew(get(Setting.CACHE_REFRESH_SKEW));
        b.refreshGrantTtl(get(Setting.CACHE_REFRESH_GRANT_TTL));
        b.captureMaxBytes(get(Setting.CAPTURE_MAX_BYTES));
        b.captureBodyWait(get(Setting.CAPTURE_BODY_WAIT));
        b.cooldownMax(get(Setting.COOLDOWN_MAX));
        b.coalesceMaxWait(get(Setting.COALESCE_MAX_WAIT));
        List<String> extraHeaders = get(Setting.IDENTITY_HEADERS);
        b.identityHeaders(extraHeaders == null ? Collections.<String>emptyList() : extraHeaders);
        b.metricsJmx(get(Setting.METRICS_JMX));
        b.prometheusPort(orZero(get(Setting.METRICS_PROMETHEUS_PORT)));
        b.prometheusHost(get(Setting.METRICS_PROMETHEUS_HOST));
        b.eventsFile(get(Setting.EVENTS_FILE));
        b.eventsRate(get(Setting.EVENTS_INTERVAL), get(Setting.EVENTS_MAX_PER_SECOND));
        b.reportJson(get(Setting.REPORT_JSON));
        b.failExitCode(orZero(get(Setting.GUARDRAIL_FAIL_EXIT_CODE)));
        b.maxUpstreamPerMinute(orZero(get(Setting.GUARDRAIL_MAX_UPSTREAM_PER_MINUTE)));
        b.onBreach(get(Setting.GUARDRAIL_ON_BREACH));
        b.userTag(get(Setting.METRICS_USER_TAG));
        b.maxTagValues(get(Setting.METRICS_MAX_TAG_VALUES));
        b.reportHtml(get(Setting.REPORT_HTML));
        b.otlp(get(Setting.METRICS_OTLP_ENDPOINT), get(Setting.METRICS_OTLP_INTERVAL));
        List<String> stages = get(Setting.TEST_FAIL_STAGE);
        b.testFailStages(stages == null ? Collections.<String>emptyList() : stages);
        List<EndpointRule> rules = new ArrayList<>();
        for (String id : endpointIds()) {
            EndpointRule rule = rule(id);
            if (rule != null) {
                b.rule(rule);
                rules.add(rule);
            }
        }
        b.fleet(fleet(rules));
        return b.build();
    }

    /**
     * Fleet mode is on iff the Redis URI is given, and then needs the fleet key: per-process random
     * keys can never match across JVMs, so without it the agent stays off (an error line).
     */
    private FleetSettings fleet(List<EndpointRule> rules) {
        boolean wanted = raw.get(Setting.FLEET_REDIS_URI.key) != null;
        RedisUri uri = get(Setting.FLEET_REDIS_URI);
        String password = get(Setting.FLEET_REDIS_PASSWORD);
        FleetKeyRing keys = get(Setting.FLEET_KEY);
        String name = get(Setting.FLEET_NAME);
        java.time.Duration timeout = get(Setting.FLEET_TIMEOUT);
        if (!wanted) {
            return null;
        }
        if (keys == null && raw.get(Setting.FLEET_KEY.key) == null) {
            errors.add("tokenguard: missing setting " + Setting.FLEET_KEY.key + " (or TOKENGUARD_FLEET_KEY): fleet mode ("
                    + Setting.FLEET_REDIS_URI.key + " is set) needs the fleet's shared key, expected "
                    + Setting.FLEET_KEY.expected);
        }
        if (uri == null || keys == null) {
            return null; // the error lines say why
        }
        return new FleetSettings(uri, password, keys, name != null ? name : FleetSettings.derivedName(rules), timeout);
    }

    /** The setting's value where one was given and is valid; else its default (an invalid one is an error line). */
    private <T> T get(Setting s) {
        RawSettings.Value v = raw.get(s.key);
        if (v == null) {
            return s.defaultValue();
        }
        try {
            if (v.text == null) {
                throw new IllegalArgumentException("no value");
            }
            return s.parse(v.text.trim());
        } catch (RuntimeException e) {
            if (s.secret()) {
                // Not even masked: a key or password that failed to parse may still be most of a real one.
                errors.add("tokenguard: invalid value for " + s.key + " (from " + v.source + "; value not shown): expected "
                        + s.expected);
            } else {
                error(s.key, v, s.expected);
            }
            return s.defaultValue();
        }
    }

    /** Settings that are off by default are 0 in the builder. */
    private static int orZero(Integer value) {
        return value == null ? 0 : value;
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
        RawSettings.Value listed = raw.get(Setting.ENDPOINTS.key);
        if (listed == null || listed.text == null) {
            return new ArrayList<>(defined);
        }
        List<String> ids = new ArrayList<>();
        for (String id : split(listed.text)) {
            if (!defined.contains(id)) {
                error(Setting.ENDPOINTS.key, listed, "ids of defined endpoints (" + String.join(", ", defined)
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
        int lockoutStatus = 0;
        String lockoutCode = null;
        for (EndpointSetting s : EndpointSetting.values()) {
            RawSettings.Value v = raw.get(p + s.property);
            if (s == EndpointSetting.URL || v == null) {
                continue; // unset: the rule's own default
            }
            try {
                if (v.text == null) {
                    throw new IllegalArgumentException("no value");
                }
                String text = v.text.trim();
                if (s == EndpointSetting.LOCKOUT_STATUS) {
                    lockoutStatus = Setting.intIn(text, 400, 599);
                } else if (s == EndpointSetting.LOCKOUT_ERROR_CODE) {
                    if (text.isEmpty()) {
                        throw new IllegalArgumentException("no value");
                    }
                    lockoutCode = text;
                } else {
                    s.apply(text, b);
                }
            } catch (RuntimeException e) {
                // A key file's problem is named with the file (a path and a reason, never its contents).
                error(p + s.property, v, s == EndpointSetting.ASSERTION_KEYS && e.getMessage() != null
                        ? s.expected + "; " + e.getMessage() : s.expected);
            }
        }
        b.lockout(lockoutStatus, lockoutCode);
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

    private void error(String key, RawSettings.Value v, String expected) {
        errors.add("tokenguard: invalid value for " + key + "='" + SafeText.withoutUrlSecrets(v.text) + "' (from " + v.source
                + "): expected " + expected);
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

}
