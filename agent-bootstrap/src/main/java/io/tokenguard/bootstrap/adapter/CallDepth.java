package io.tokenguard.bootstrap.adapter;

import io.tokenguard.bootstrap.HttpClientKind;

/**
 * Re-entrancy, once for every adapter (OpenTelemetry's {@code CallDepth}): how deep this thread is
 * inside an adapter's own call of the client it guards. An adapter that sends its request itself
 * goes through the very method its patch hooks (Apache's {@code execute}, java.net.http's
 * {@code sendAsync}); that inner call must pass untouched.
 *
 * <pre>{@code
 * CallDepth depth = CallDepth.forClient(kind);
 * depth.getAndIncrement();
 * try { client.execute(...); } finally { depth.decrementAndGet(); }
 * }</pre>
 * and the hooked method asks {@link #inside()} first. One counter per client and thread, so a token
 * request made through another client while one is being sent is still guarded.
 */
public final class CallDepth {
    private static final HttpClientKind[] KINDS = HttpClientKind.values();
    private static final ThreadLocal<CallDepth[]> DEPTHS = ThreadLocal.withInitial(() -> {
        CallDepth[] depths = new CallDepth[KINDS.length];
        for (int i = 0; i < depths.length; i++) {
            depths[i] = new CallDepth();
        }
        return depths;
    });

    private int depth;

    private CallDepth() {
    }

    /** This thread's depth for that client. */
    public static CallDepth forClient(HttpClientKind client) {
        return DEPTHS.get()[client.ordinal()];
    }

    /** Whether this thread is inside an adapter's own call of the client: then the call passes untouched. */
    public boolean inside() {
        return depth > 0;
    }

    public int getAndIncrement() {
        return depth++;
    }

    public int decrementAndGet() {
        return --depth;
    }
}
