package io.tokenguard.agent.catalog;

/** What happens to a request over the limit: answered locally, held until a permit, or sent and counted. */
public enum OnLimit {
    REJECT, DELAY, OBSERVE
}
