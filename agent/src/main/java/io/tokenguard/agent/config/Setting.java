package io.tokenguard.agent.config;

import io.tokenguard.agent.catalog.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every global setting, declared once: its key, its default, what is allowed and how it is read.
 * The reader, the builder's defaults, the list of known keys, the environment names and the
 * README's configuration table (checked by a test) all come from here. An enum with a switch, not
 * a table of lambdas: each lambda is a class to spin up in premain.
 */
enum Setting {
    MODE("tokenguard.mode", Kind.CHOICE, "enforce", "enforce, observe or off"),
    STRICT("tokenguard.strict", Kind.BOOL, "false", "true or false"),
    CONFIG("tokenguard.config", Kind.TEXT, null, "a file path", "none"),
    ENDPOINTS("tokenguard.endpoints", Kind.TEXT, null, "a comma-separated list of endpoint ids", "every defined id"),
    CACHE_MAX_ENTRIES("tokenguard.cache.max-entries", Kind.INT, "10000", 1, 10_000_000),
    CACHE_REFRESH_SKEW("tokenguard.cache.refresh-skew", Kind.DURATION, "60s", Durations.EXPECTED),
    CACHE_REFRESH_GRANT_TTL("tokenguard.cache.refresh-grant-ttl", Kind.POSITIVE_DURATION, "30s", Durations.EXPECTED),
    CAPTURE_BODY_WAIT("tokenguard.capture.body-wait", Kind.DURATION, "1s", Durations.EXPECTED),
    CAPTURE_MAX_BYTES("tokenguard.capture.max-bytes", Kind.INT, "65536", 1, 16_777_216),
    COOLDOWN_MAX("tokenguard.cooldown.max", Kind.POSITIVE_DURATION, "15m", Durations.EXPECTED),
    COALESCE_MAX_WAIT("tokenguard.coalesce.max-wait", Kind.POSITIVE_DURATION, "30s", Durations.EXPECTED),
    /** Headers that count besides {@link AgentSettings#BUILT_IN_IDENTITY_HEADERS}, which always do. */
    IDENTITY_HEADERS("tokenguard.identity.headers", Kind.LOWER_CASE_LIST, null,
            "a comma-separated list of header names", "none"),
    METRICS_USER_TAG("tokenguard.metrics.user-tag", Kind.CHOICE, "off", "off or hashed"),
    METRICS_MAX_TAG_VALUES("tokenguard.metrics.max-tag-values", Kind.INT, "100", 1, 10_000),
    METRICS_JMX("tokenguard.metrics.jmx", Kind.BOOL, "true", "true or false"),
    METRICS_PROMETHEUS_PORT("tokenguard.metrics.prometheus.port", Kind.INT, null, "a TCP port from 1 to 65535",
            "none (off)", 1, 65_535),
    METRICS_PROMETHEUS_HOST("tokenguard.metrics.prometheus.host", Kind.TEXT, "127.0.0.1",
            "a host name or IP address to listen on"),
    EVENTS_FILE("tokenguard.events.file", Kind.TEXT, null, "a file path", "none (stderr)"),
    EVENTS_INTERVAL("tokenguard.events.interval", Kind.DURATION, "60s", Durations.EXPECTED),
    EVENTS_MAX_PER_SECOND("tokenguard.events.max-per-second", Kind.INT, "20", 1, 100_000),
    REPORT_JSON("tokenguard.report.json", Kind.TEXT, null, "a file path", "none"),
    GUARDRAIL_FAIL_EXIT_CODE("tokenguard.guardrail.fail-exit-code", Kind.INT, null, "an exit status from 1 to 255",
            "none (off)", 1, 255),
    GUARDRAIL_MAX_UPSTREAM_PER_MINUTE("tokenguard.guardrail.max-upstream-per-minute", Kind.INT, null,
            "a whole number of upstream calls from 1 to 10000000", "none (off)", 1, 10_000_000),
    GUARDRAIL_ON_BREACH("tokenguard.guardrail.on-breach", Kind.CHOICE, "reject", "reject or observe"),
    REPORT_HTML("tokenguard.report.html", Kind.TEXT, null, "a file path", "none"),
    METRICS_OTLP_ENDPOINT("tokenguard.metrics.otlp.endpoint", Kind.HTTP_URL, null,
            "an http(s) URL like http://127.0.0.1:4318/v1/metrics", "none (off)"),
    METRICS_OTLP_INTERVAL("tokenguard.metrics.otlp.interval", Kind.POSITIVE_DURATION, "60s", Durations.EXPECTED),
    /** Fleet mode is on iff this is set (see io.tokenguard.agent.fleet). */
    FLEET_REDIS_URI("tokenguard.fleet.redis.uri", Kind.REDIS_URI, null,
            "a redis:// or rediss:// URI like redis://host:6379 or rediss://user:password@host:6380/0", "none (off)"),
    FLEET_REDIS_PASSWORD("tokenguard.fleet.redis.password", Kind.SECRET, null, "the Redis password", "none"),
    FLEET_KEY("tokenguard.fleet.key", Kind.KEY_RING, null,
            "base64 keys of at least " + FleetKeyRing.MIN_BYTES + " bytes each, comma-separated (the first encrypts)",
            "none"),
    FLEET_NAME("tokenguard.fleet.name", Kind.TEXT, null, "a name shared by the JVMs of one app",
            "derived from the endpoints in force"),
    FLEET_TIMEOUT("tokenguard.fleet.timeout", Kind.POSITIVE_DURATION, "250ms", Durations.EXPECTED),
    /** Tests only: the fault-injection switch (see io.tokenguard.bootstrap.TestFaults). */
    TEST_FAIL_STAGE("tokenguard.test.fail-stage", Kind.STAGES, null,
            "a comma-separated list of stages (" + String.join(", ", ConfigKeys.TEST_STAGES) + "); for tests only",
            "none (off)");

    /** How a value is read. */
    enum Kind { BOOL, INT, DURATION, POSITIVE_DURATION, TEXT, SECRET, HTTP_URL, REDIS_URI, KEY_RING, LOWER_CASE_LIST,
        STAGES, CHOICE }

    final String key;
    final Kind kind;
    /** The default as a value would be written, or null when the setting is off (or read elsewhere) by default. */
    final String defaultText;
    /** What an error line says is allowed. */
    final String expected;
    /** The README's default column, without backticks when there is no default text. */
    final String documentedDefault;
    final int min;
    final int max;

    Setting(String key, Kind kind, String defaultText, String expected) {
        this(key, kind, defaultText, expected, null, 0, 0);
    }

    Setting(String key, Kind kind, String defaultText, String expected, String documentedDefault) {
        this(key, kind, defaultText, expected, documentedDefault, 0, 0);
    }

    Setting(String key, Kind kind, String defaultText, int min, int max) {
        this(key, kind, defaultText, "a whole number from " + min + " to " + max, null, min, max);
    }

    Setting(String key, Kind kind, String defaultText, String expected, String documentedDefault, int min, int max) {
        this.key = key;
        this.kind = kind;
        this.defaultText = defaultText;
        this.expected = expected;
        this.documentedDefault = documentedDefault != null ? documentedDefault : "`" + defaultText + "`";
        this.min = min;
        this.max = max;
    }

    /** A value never printed, not even masked: an error line names the key and its source only. */
    boolean secret() {
        return kind == Kind.SECRET || kind == Kind.KEY_RING;
    }

    /** The default value, parsed from its text as a setting would be; null when there is none. */
    <T> T defaultValue() {
        return defaultText == null ? null : parse(defaultText);
    }

    /** The value of this text; IllegalArgumentException (and the like) when it is not allowed. */
    @SuppressWarnings("unchecked")
    <T> T parse(String text) {
        Object value;
        switch (kind) {
            case BOOL:
                if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                    throw new IllegalArgumentException(text);
                }
                value = Boolean.valueOf(text);
                break;
            case INT:
                value = intIn(text, min, max);
                break;
            case DURATION:
                value = Durations.parse(text);
                break;
            case POSITIVE_DURATION:
                value = positiveDuration(text);
                break;
            case TEXT:
            case SECRET:
                if (text.isEmpty()) {
                    throw new IllegalArgumentException(text);
                }
                value = text;
                break;
            case HTTP_URL:
                java.net.URI uri = java.net.URI.create(text);
                if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                        || uri.getHost() == null) {
                    throw new IllegalArgumentException(text);
                }
                value = text;
                break;
            case REDIS_URI:
                value = RedisUri.parse(text);
                break;
            case KEY_RING:
                value = FleetKeyRing.parse(text);
                break;
            case LOWER_CASE_LIST:
                value = lowerCaseList(text);
                break;
            case STAGES:
                List<String> stages = lowerCaseList(text);
                if (stages.isEmpty() || !ConfigKeys.TEST_STAGES.containsAll(stages)) {
                    throw new IllegalArgumentException(text);
                }
                value = stages;
                break;
            case CHOICE:
                value = choice(text.toUpperCase(Locale.ROOT));
                break;
            default:
                throw new IllegalStateException(kind.name());
        }
        return (T) value;
    }

    private Object choice(String upper) {
        switch (this) {
            case MODE:
                return Mode.valueOf(upper);
            case GUARDRAIL_ON_BREACH:
                return OnBreach.valueOf(upper);
            case METRICS_USER_TAG:
                return UserTag.valueOf(upper);
            default:
                throw new IllegalStateException(name() + " is no choice");
        }
    }

    static int intIn(String text, int min, int max) {
        int n = Integer.parseInt(text);
        if (n < min || n > max) {
            throw new IllegalArgumentException(text);
        }
        return n;
    }

    static java.time.Duration positiveDuration(String text) {
        java.time.Duration d = Durations.parse(text);
        if (d.isZero()) {
            throw new IllegalArgumentException(text);
        }
        return d;
    }

    static List<String> lowerCaseList(String list) {
        List<String> out = new ArrayList<>();
        for (String s : list.split(",")) {
            if (!s.trim().isEmpty()) {
                out.add(s.trim().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }
}
