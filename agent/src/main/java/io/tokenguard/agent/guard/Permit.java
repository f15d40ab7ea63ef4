package io.tokenguard.agent.guard;

/** A permit store's answer to "may this request be sent now": granted, or how long until it may. */
final class Permit {
    static final Permit GRANTED = new Permit(true, 0);
    private final boolean granted;
    private final long waitNanos;

    private Permit(boolean granted, long waitNanos) {
        this.granted = granted;
        this.waitNanos = waitNanos;
    }

    static Permit deniedFor(long waitNanos) {
        return new Permit(false, waitNanos);
    }

    boolean granted() {
        return granted;
    }

    long waitNanos() {
        return waitNanos;
    }
}
