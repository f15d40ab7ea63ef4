package io.tokenguard.agent.config;

import io.tokenguard.agent.catalog.EndpointCatalog;
import io.tokenguard.agent.catalog.EndpointRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** The validated settings the agent runs with. Immutable. */
public final class AgentSettings {
    /**
     * Request headers that are always part of a request's credential identity; tokenguard.identity.headers
     * adds to them and can never drop one (a list that replaced them silently dropped Authorization).
     */
    public static final List<String> BUILT_IN_IDENTITY_HEADERS = Collections.unmodifiableList(Arrays.asList(
            "authorization", "proxy-authorization", "cookie", "x-api-key", "x-client-id", "x-client-secret",
            "ocp-apim-subscription-key", "dpop",
            // Attestation-based client authentication (draft-ietf-oauth-attestation-based-client-auth),
            // and a Host the app sets itself (virtual-host tenants).
            "oauth-client-attestation", "oauth-client-attestation-pop", "host"));

    private final Mode mode;
    private final boolean strict;
    private final int cacheMaxEntries;
    private final Duration refreshSkew;
    private final Duration refreshGrantTtl;
    private final int captureMaxBytes;
    private final Duration captureBodyWait;
    private final Duration cooldownMax;
    private final Duration coalesceMaxWait;
    private final List<String> identityHeaders;
    private final EndpointCatalog catalog;
    private final boolean metricsJmx;
    private final int prometheusPort;
    private final String prometheusHost;
    private final String eventsFile;
    private final Duration eventsInterval;
    private final int eventsMaxPerSecond;
    private final String reportJson;
    private final int failExitCode;
    private final int maxUpstreamPerMinute;
    private final OnBreach onBreach;
    private final UserTag userTag;
    private final int maxTagValues;
    private final String reportHtml;
    private final String otlpEndpoint;
    private final Duration otlpInterval;
    private final List<String> testFailStages;
    private final FleetSettings fleet;

    private AgentSettings(Builder b) {
        this.mode = b.mode;
        this.strict = b.strict;
        this.cacheMaxEntries = b.cacheMaxEntries;
        this.refreshSkew = b.refreshSkew;
        this.refreshGrantTtl = b.refreshGrantTtl;
        this.captureMaxBytes = b.captureMaxBytes;
        this.captureBodyWait = b.captureBodyWait;
        this.cooldownMax = b.cooldownMax;
        this.coalesceMaxWait = b.coalesceMaxWait;
        List<String> headers = new ArrayList<>(BUILT_IN_IDENTITY_HEADERS);
        for (String h : b.identityHeaders) {
            String name = h.toLowerCase(java.util.Locale.ROOT);
            if (!headers.contains(name)) {
                headers.add(name);
            }
        }
        this.identityHeaders = Collections.unmodifiableList(headers);
        this.catalog = EndpointCatalog.of(b.rules);
        this.metricsJmx = b.metricsJmx;
        this.prometheusPort = b.prometheusPort;
        this.prometheusHost = b.prometheusHost;
        this.eventsFile = b.eventsFile;
        this.eventsInterval = b.eventsInterval;
        this.eventsMaxPerSecond = b.eventsMaxPerSecond;
        this.reportJson = b.reportJson;
        this.failExitCode = b.failExitCode;
        this.maxUpstreamPerMinute = b.maxUpstreamPerMinute;
        this.onBreach = b.onBreach;
        this.userTag = b.userTag;
        this.maxTagValues = b.maxTagValues;
        this.reportHtml = b.reportHtml;
        this.otlpEndpoint = b.otlpEndpoint;
        this.otlpInterval = b.otlpInterval;
        this.testFailStages = Collections.unmodifiableList(new ArrayList<>(b.testFailStages));
        this.fleet = b.fleet;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Mode mode() {
        return mode;
    }

    public boolean strict() {
        return strict;
    }

    public int cacheMaxEntries() {
        return cacheMaxEntries;
    }

    public Duration refreshSkew() {
        return refreshSkew;
    }

    public Duration refreshGrantTtl() {
        return refreshGrantTtl;
    }

    public int captureMaxBytes() {
        return captureMaxBytes;
    }

    /**
     * How long an adapter reads an answer's body after its status and headers arrived before it hands
     * the app the status with the rest of the body still streaming (such an answer is not cached).
     */
    public Duration captureBodyWait() {
        return captureBodyWait;
    }

    /** The longest one provider answer (its Retry-After, or a rule's cooldown) holds an identity. */
    public Duration cooldownMax() {
        return cooldownMax;
    }

    public Duration coalesceMaxWait() {
        return coalesceMaxWait;
    }

    /** Lower-case names of request headers that are part of a request's credential identity: the built-in ones and any added. */
    public List<String> identityHeaders() {
        return identityHeaders;
    }

    public EndpointCatalog catalog() {
        return catalog;
    }

    /** Whether the meters are also published as MBeans (domain {@code tokenguard}). */
    public boolean metricsJmx() {
        return metricsJmx;
    }

    /** Port of the Prometheus scrape endpoint, 0 when it is off. */
    public int prometheusPort() {
        return prometheusPort;
    }

    public String prometheusHost() {
        return prometheusHost;
    }

    /** File that receives the violation events instead of stderr, or null. */
    public String eventsFile() {
        return eventsFile;
    }

    /** Per event key, the first event in full, then one summary per this interval (0: every event). */
    public Duration eventsInterval() {
        return eventsInterval;
    }

    /** The process-wide cap on event lines. */
    public int eventsMaxPerSecond() {
        return eventsMaxPerSecond;
    }

    /** File that receives the JSON report at exit, or null. */
    public String reportJson() {
        return reportJson;
    }

    /** Exit status forced at shutdown when a violation happened, 0 when the guardrail is off. */
    public int failExitCode() {
        return failExitCode;
    }

    /** Load-test guardrail: upstream calls per minute per endpoint and HTTP client, 0 when off (rules may set their own). */
    public int maxUpstreamPerMinute() {
        return maxUpstreamPerMinute;
    }

    /** What a guardrail breach does: answer locally (reject) or send and count (observe). */
    public OnBreach onBreach() {
        return onBreach;
    }

    /** Whether request and violation meters carry a hashed user tag. */
    public UserTag userTag() {
        return userTag;
    }

    /** Distinct values a meter tag may take before further ones are reported as {@code other}. */
    public int maxTagValues() {
        return maxTagValues;
    }

    /** File that receives the HTML report at exit, or null. */
    public String reportHtml() {
        return reportHtml;
    }

    /** URL the meters are pushed to over OTLP/HTTP, or null when the push is off. */
    public String otlpEndpoint() {
        return otlpEndpoint;
    }

    public Duration otlpInterval() {
        return otlpInterval;
    }

    /**
     * TESTS ONLY ({@code tokenguard.test.fail-stage}): names of the stages that throw on purpose
     * (see io.tokenguard.bootstrap.TestFaults); empty, the default, injects nothing. Names rather
     * than TestFaults bits because settings are read before the bootstrap classes are loadable.
     */
    public List<String> testFailStages() {
        return testFailStages;
    }

    /** Fleet mode's settings, or null when it is off (tokenguard.fleet.redis.uri unset). */
    public FleetSettings fleet() {
        return fleet;
    }

    public static final class Builder {
        private FleetSettings fleet;

        public Builder fleet(FleetSettings value) {
            this.fleet = value;
            return this;
        }

        private Mode mode = Setting.MODE.defaultValue();
        private boolean strict = Setting.STRICT.<Boolean>defaultValue();
        private int cacheMaxEntries = Setting.CACHE_MAX_ENTRIES.<Integer>defaultValue();
        private Duration refreshSkew = Setting.CACHE_REFRESH_SKEW.defaultValue();
        private Duration refreshGrantTtl = Setting.CACHE_REFRESH_GRANT_TTL.defaultValue();
        private int captureMaxBytes = Setting.CAPTURE_MAX_BYTES.<Integer>defaultValue();
        private Duration captureBodyWait = Setting.CAPTURE_BODY_WAIT.defaultValue();
        private Duration cooldownMax = Setting.COOLDOWN_MAX.defaultValue();
        private Duration coalesceMaxWait = Setting.COALESCE_MAX_WAIT.defaultValue();
        private List<String> identityHeaders = Collections.emptyList();
        private final List<EndpointRule> rules = new ArrayList<>();
        private boolean metricsJmx = Setting.METRICS_JMX.<Boolean>defaultValue();
        private int prometheusPort;
        private String prometheusHost = Setting.METRICS_PROMETHEUS_HOST.defaultValue();
        private String eventsFile;
        private Duration eventsInterval = Setting.EVENTS_INTERVAL.defaultValue();
        private int eventsMaxPerSecond = Setting.EVENTS_MAX_PER_SECOND.<Integer>defaultValue();
        private String reportJson;
        private int failExitCode;
        private int maxUpstreamPerMinute;
        private OnBreach onBreach = Setting.GUARDRAIL_ON_BREACH.defaultValue();
        private UserTag userTag = Setting.METRICS_USER_TAG.defaultValue();
        private int maxTagValues = Setting.METRICS_MAX_TAG_VALUES.<Integer>defaultValue();

        public Builder maxUpstreamPerMinute(int value) {
            this.maxUpstreamPerMinute = value;
            return this;
        }

        public Builder onBreach(OnBreach value) {
            this.onBreach = value;
            return this;
        }

        public Builder userTag(UserTag value) {
            this.userTag = value;
            return this;
        }

        public Builder maxTagValues(int value) {
            this.maxTagValues = value;
            return this;
        }

        private String reportHtml;
        private String otlpEndpoint;
        private Duration otlpInterval = Setting.METRICS_OTLP_INTERVAL.defaultValue();

        public Builder reportHtml(String value) {
            this.reportHtml = value;
            return this;
        }

        public Builder otlp(String endpoint, Duration interval) {
            this.otlpEndpoint = endpoint;
            this.otlpInterval = interval;
            return this;
        }

        private List<String> testFailStages = Collections.emptyList();

        /** TESTS ONLY: names of the stages that throw on purpose. */
        public Builder testFailStages(List<String> value) {
            this.testFailStages = value;
            return this;
        }

        public Builder metricsJmx(boolean value) {
            this.metricsJmx = value;
            return this;
        }

        public Builder prometheusPort(int value) {
            this.prometheusPort = value;
            return this;
        }

        public Builder prometheusHost(String value) {
            this.prometheusHost = value;
            return this;
        }

        public Builder eventsFile(String value) {
            this.eventsFile = value;
            return this;
        }

        public Builder eventsRate(Duration interval, int maxPerSecond) {
            this.eventsInterval = interval;
            this.eventsMaxPerSecond = maxPerSecond;
            return this;
        }

        public Builder reportJson(String value) {
            this.reportJson = value;
            return this;
        }

        public Builder failExitCode(int value) {
            this.failExitCode = value;
            return this;
        }

        public Builder mode(Mode value) {
            this.mode = value;
            return this;
        }

        public Builder strict(boolean value) {
            this.strict = value;
            return this;
        }

        public Builder cacheMaxEntries(int value) {
            this.cacheMaxEntries = value;
            return this;
        }

        public Builder refreshSkew(Duration value) {
            this.refreshSkew = value;
            return this;
        }

        public Builder refreshGrantTtl(Duration value) {
            this.refreshGrantTtl = value;
            return this;
        }

        public Builder cooldownMax(Duration value) {
            this.cooldownMax = value;
            return this;
        }

        public Builder captureBodyWait(Duration value) {
            this.captureBodyWait = value;
            return this;
        }

        public Builder captureMaxBytes(int value) {
            this.captureMaxBytes = value;
            return this;
        }

        public Builder coalesceMaxWait(Duration value) {
            this.coalesceMaxWait = value;
            return this;
        }

        public Builder identityHeaders(List<String> value) {
            this.identityHeaders = value;
            return this;
        }

        public Builder rule(EndpointRule rule) {
            rules.add(rule);
            return this;
        }

        public AgentSettings build() {
            return new AgentSettings(this);
        }
    }
}
