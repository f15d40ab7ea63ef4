package io.tokenguard.bootstrap;

/** Where a response handed to the app came from; shown to people in the X-TokenGuard header. */
public enum ResponseSource {
    /** The identity provider answered this very request. */
    UPSTREAM("upstream"),
    /** A fresh cached answer to an identical earlier request. */
    CACHE("cache"),
    /** The answer to an identical request that was in flight at the same time. */
    COALESCED("coalesced"),
    /** Answered locally because the per-identity limit was exceeded. */
    LOCAL_THROTTLE("throttled"),
    /** Answered locally because the provider told this identity to back off. */
    LOCAL_COOLDOWN("cooldown");

    private final String label;

    ResponseSource(String label) {
        this.label = label;
    }

    /** The value of the X-TokenGuard header and of the metrics' outcome tag. */
    public String label() {
        return label;
    }
}
