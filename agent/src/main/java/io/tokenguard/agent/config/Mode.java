package io.tokenguard.agent.config;

import java.util.Locale;

/** enforce: cache, coalesce, throttle · observe: change nothing, count what enforce would do · off. */
public enum Mode {
    ENFORCE, OBSERVE, OFF;

    /** The mode as the log, the reports and the build-info meter spell it: enforce, observe, off. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
