package io.tokenguard.agent.config;

import io.tokenguard.agent.catalog.AssertionIdentity;
import io.tokenguard.agent.catalog.Durations;
import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.LimitPer;
import io.tokenguard.agent.catalog.OnLimit;
import io.tokenguard.agent.catalog.RateLimit;
import io.tokenguard.agent.catalog.UrlPattern;
import io.tokenguard.agent.jose.TrustedKeys;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every property of an endpoint rule ({@code tokenguard.endpoints.<id>.<property>}), declared once:
 * what is allowed, how it is read and how it is applied. The defaults are {@link EndpointRule}'s own
 * (a property left unset keeps the builder's value); the README's table is checked against both.
 */
enum EndpointSetting {
    URL("url", UrlPattern.EXPECTED, "(catalog)"),
    LIMIT("limit", RateLimit.EXPECTED, "`none`"),
    LIMIT_PER("limit-per", "user or client", "`user`"),
    ON_LIMIT("on-limit", "reject, delay or observe", "`reject`"),
    MAX_DELAY("max-delay", Durations.EXPECTED, "`30s`"),
    DEFAULT_TTL("default-ttl", Durations.EXPECTED, "`5m`"),
    EXEMPT_GRANTS("exempt-grants", "a comma-separated list of grant types", "none"),
    COOLDOWN("cooldown", Durations.EXPECTED, "`60s`"),
    LOCKOUT_STATUS("lockout-status", "an HTTP status from 400 to 599", "none"),
    LOCKOUT_ERROR_CODE("lockout-error-code", "an error code", "none"),
    REJECT_STATUS("reject-status", "an HTTP status from 400 to 599", "`429`"),
    MAX_UPSTREAM_PER_MINUTE("max-upstream-per-minute", "a whole number of upstream calls from 1 to 10000000",
            "none (the global `tokenguard.guardrail.max-upstream-per-minute`)"),
    ASSERTION_IDENTITY("assertion-identity", "verified, exact or claims-unverified", "`verified`"),
    ASSERTION_KEYS("assertion-keys", "a comma-separated list of PEM or JWKS files of public keys", "none");

    final String property;
    final String expected;
    /** The README's default column for this property. */
    final String documentedDefault;

    EndpointSetting(String property, String expected, String documentedDefault) {
        this.property = property;
        this.expected = expected;
        this.documentedDefault = documentedDefault;
    }

    /**
     * Reads the text and sets it on the rule's builder; IllegalArgumentException (and the like) when
     * it is not allowed. URLs are read apart (a list over url, url.2, ...); the lockout pair is set
     * by the reader, which needs both halves.
     */
    void apply(String text, EndpointRule.Builder b) {
        switch (this) {
            case LIMIT:
                b.limit(RateLimit.parse(text));
                break;
            case LIMIT_PER:
                b.limitPer(LimitPer.valueOf(text.toUpperCase(Locale.ROOT)));
                break;
            case ON_LIMIT:
                b.onLimit(OnLimit.valueOf(text.toUpperCase(Locale.ROOT)));
                break;
            case MAX_DELAY:
                b.maxDelay(Setting.positiveDuration(text));
                break;
            case DEFAULT_TTL:
                b.defaultTtl(Setting.positiveDuration(text));
                break;
            case EXEMPT_GRANTS:
                b.exemptGrants(SettingsReader.split(text).toArray(new String[0]));
                break;
            case COOLDOWN:
                b.cooldown(Setting.positiveDuration(text));
                break;
            case REJECT_STATUS:
                b.rejectStatus(Setting.intIn(text, 400, 599));
                break;
            case MAX_UPSTREAM_PER_MINUTE:
                b.maxUpstreamPerMinute(Setting.intIn(text, 1, 10_000_000));
                break;
            case ASSERTION_IDENTITY:
                b.assertionIdentity(AssertionIdentity.valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_')));
                break;
            case ASSERTION_KEYS:
                List<Path> files = new ArrayList<>();
                for (String file : SettingsReader.split(text)) {
                    files.add(Paths.get(file));
                }
                if (files.isEmpty()) {
                    throw new IllegalArgumentException("no file named");
                }
                b.assertionKeys(TrustedKeys.load(files));
                break;
            default:
                throw new IllegalStateException(name() + " is read by the reader itself");
        }
    }
}
