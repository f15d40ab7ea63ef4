package io.tokenguard.agent.config;

/** What a load-test guardrail breach does: answer locally instead of sending, or send and count it. */
public enum OnBreach {
    REJECT, OBSERVE
}
