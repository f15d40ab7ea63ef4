package io.tokenguard.agent.config;

import java.util.Collections;
import java.util.List;

/** The outcome of reading the configuration: settings, or the error lines that say why not. */
public final class ConfigResult {
    private final AgentSettings settings;
    private final List<String> warnings;
    private final List<String> errors;
    private final boolean strict;

    ConfigResult(AgentSettings settings, List<String> warnings, List<String> errors, boolean strict) {
        this.settings = errors.isEmpty() ? settings : null;
        this.warnings = Collections.unmodifiableList(warnings);
        this.errors = Collections.unmodifiableList(errors);
        this.strict = strict;
    }

    /** The settings, or null when there are errors. */
    public AgentSettings settings() {
        return settings;
    }

    public List<String> warnings() {
        return warnings;
    }

    /** Ready-to-print lines, one per invalid setting. */
    public List<String> errors() {
        return errors;
    }

    public boolean ok() {
        return errors.isEmpty();
    }

    /** Whether tokenguard.strict=true was asked for (known even when other settings are invalid). */
    public boolean strict() {
        return strict;
    }
}
