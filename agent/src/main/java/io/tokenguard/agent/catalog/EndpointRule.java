package io.tokenguard.agent.catalog;

import io.tokenguard.agent.jose.TrustedKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One token endpoint: where it is and how its limits, cache and back-off work. Immutable. */
public final class EndpointRule {
    private final String id;
    private final List<UrlPattern> urls;
    private final RateLimit limit;
    private final LimitPer limitPer;
    private final OnLimit onLimit;
    private final Duration maxDelay;
    private final Duration defaultTtl;
    private final Set<String> exemptGrants;
    private final Duration cooldown;
    private final int lockoutStatus;
    private final String lockoutErrorCode;
    private final int rejectStatus;
    private final int maxUpstreamPerMinute;
    private final AssertionIdentity assertionIdentity;
    private final TrustedKeys assertionKeys;

    private EndpointRule(Builder b) {
        this.id = b.id;
        this.urls = Collections.unmodifiableList(new ArrayList<>(b.urls));
        this.limit = b.limit;
        this.limitPer = b.limitPer;
        this.onLimit = b.onLimit;
        this.maxDelay = b.maxDelay;
        this.defaultTtl = b.defaultTtl;
        this.exemptGrants = Collections.unmodifiableSet(new LinkedHashSet<>(b.exemptGrants));
        this.cooldown = b.cooldown;
        this.lockoutStatus = b.lockoutStatus;
        this.lockoutErrorCode = b.lockoutErrorCode;
        this.rejectStatus = b.rejectStatus;
        this.maxUpstreamPerMinute = b.maxUpstreamPerMinute;
        this.assertionIdentity = b.assertionIdentity;
        this.assertionKeys = b.assertionKeys;
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    public String id() {
        return id;
    }

    public List<UrlPattern> urls() {
        return urls;
    }

    /** The local limit, or null for none. */
    public RateLimit limit() {
        return limit;
    }

    public LimitPer limitPer() {
        return limitPer;
    }

    public OnLimit onLimit() {
        return onLimit;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    /** TTL of a cacheable answer that carries no expires_in (nor a JWT exp). */
    public Duration defaultTtl() {
        return defaultTtl;
    }

    public Set<String> exemptGrants() {
        return exemptGrants;
    }

    /** Back-off after an upstream 429 or lockout that carries no Retry-After. */
    public Duration cooldown() {
        return cooldown;
    }

    /** Status of the provider's lockout signature, 0 for none. */
    public int lockoutStatus() {
        return lockoutStatus;
    }

    /** Error code of the lockout signature (errors[].code or error), null for any. */
    public String lockoutErrorCode() {
        return lockoutErrorCode;
    }

    public int rejectStatus() {
        return rejectStatus;
    }

    /** This rule's load-test guardrail (upstream calls per minute per HTTP client), 0 to use the global one. */
    public int maxUpstreamPerMinute() {
        return maxUpstreamPerMinute;
    }

    /** How signed assertions and DPoP proofs count in a request's identity. */
    public AssertionIdentity assertionIdentity() {
        return assertionIdentity;
    }

    /** Public keys the operator trusts for this endpoint's assertions, besides those a header carries. */
    public TrustedKeys assertionKeys() {
        return assertionKeys;
    }

    public boolean isExempt(String grant) {
        return grant != null && exemptGrants.contains(grant);
    }

    public static final class Builder {
        private final String id;
        private final List<UrlPattern> urls = new ArrayList<>();
        private RateLimit limit;
        private LimitPer limitPer = LimitPer.USER;
        private OnLimit onLimit = OnLimit.REJECT;
        private Duration maxDelay = Duration.ofSeconds(30);
        private Duration defaultTtl = Duration.ofMinutes(5);
        private final Set<String> exemptGrants = new LinkedHashSet<>();
        private Duration cooldown = Duration.ofSeconds(60);
        private int lockoutStatus;
        private String lockoutErrorCode;
        private int rejectStatus = 429;
        private int maxUpstreamPerMinute;
        private AssertionIdentity assertionIdentity = AssertionIdentity.VERIFIED;
        private TrustedKeys assertionKeys = TrustedKeys.NONE;

        private Builder(String id) {
            this.id = id;
        }

        public Builder url(String pattern) {
            urls.add(UrlPattern.parse(pattern));
            return this;
        }

        public Builder limit(String text) {
            this.limit = RateLimit.parse(text);
            return this;
        }

        public Builder limit(RateLimit value) {
            this.limit = value;
            return this;
        }

        public Builder limitPer(LimitPer value) {
            this.limitPer = value;
            return this;
        }

        public Builder onLimit(OnLimit value) {
            this.onLimit = value;
            return this;
        }

        public Builder maxDelay(Duration value) {
            this.maxDelay = value;
            return this;
        }

        public Builder defaultTtl(Duration value) {
            this.defaultTtl = value;
            return this;
        }

        public Builder exemptGrants(String... grants) {
            exemptGrants.addAll(Arrays.asList(grants));
            return this;
        }

        public Builder cooldown(Duration value) {
            this.cooldown = value;
            return this;
        }

        public Builder lockout(int status, String errorCode) {
            this.lockoutStatus = status;
            this.lockoutErrorCode = errorCode;
            return this;
        }

        public Builder rejectStatus(int value) {
            this.rejectStatus = value;
            return this;
        }

        public Builder maxUpstreamPerMinute(int value) {
            this.maxUpstreamPerMinute = value;
            return this;
        }

        public Builder assertionIdentity(AssertionIdentity value) {
            this.assertionIdentity = value;
            return this;
        }

        public Builder assertionKeys(TrustedKeys value) {
            this.assertionKeys = value;
            return this;
        }

        public EndpointRule build() {
            if (urls.isEmpty()) {
                throw new IllegalStateException("endpoint " + id + " has no url");
            }
            return new EndpointRule(this);
        }
    }
}
