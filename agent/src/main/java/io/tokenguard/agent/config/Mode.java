package io.tokenguard.agent.config;

/** enforce: cache, coalesce, throttle · observe: change nothing, count what enforce would do · off. */
public enum Mode {
    ENFORCE, OBSERVE, OFF
}
