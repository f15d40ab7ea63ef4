package io.tokenguard.bootstrap.adapter;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.TokenHttpRequest;
import java.util.function.Supplier;

/**
 * What every adapter's flow shares, blocking ({@link BlockingClientExchange}) or asynchronous
 * ({@link AsyncClientExchange}): the fast path that lets a call pass before anything is allocated,
 * the client it is for, and its one fault stage.
 *
 * <p>The flow, written once in the two subclasses: (1) {@link #admit}: the delegate is installed,
 * this is not the adapter's own upstream send ({@link CallDepth}), the URL is a token endpoint; (2)
 * the client reads its request, its body bounded by the capture limit, into a {@link TokenHttpRequest}
 * with what it adds below the hook (cookies as headers, credential sources by identity); (3) the
 * exchange through the {@link Bridge}, with an upstream that sends once and remembers its own response,
 * read within the {@link BodyBounds}; (4) the answer handed back: the client's own response when it is
 * this call's own answer (whole, streaming or broken), else one the client builds (after the
 * {@code synthetic} fault check), else, if building it fails, whatever is left without sending twice.
 * Any fault in TokenGuard's code along the way is counted under the client's tag, and the call goes on
 * as without the agent.
 */
public abstract class ClientExchange {
    /**
     * Whether a call is for a token endpoint, from the parts its client keeps: must not allocate for
     * the common "no". A lambda that captures nothing, so it is one object for the JVM's life.
     */
    @FunctionalInterface
    public interface Target<A, B> {
        boolean isTokenEndpoint(GuardDelegate guard, A a, B b) throws Exception;
    }

    protected final HttpClientKind client;
    protected final GuardDelegate guard;

    protected ClientExchange(HttpClientKind client, GuardDelegate guard) {
        this.client = client;
        this.guard = guard;
    }

    /**
     * The fast path of every adapter: the delegate to guard this call with, or null when it passes
     * untouched: no agent installed, the adapter's own upstream send, not a token endpoint. A fault in
     * the check counts for the client and means "not guarded".
     */
    public static <A, B> GuardDelegate admit(HttpClientKind client, A a, B b, Target<A, B> target) {
        GuardDelegate guard = Bridge.delegate();
        if (guard == null || CallDepth.forClient(client).inside()) {
            return null;
        }
        try {
            return target.isTokenEndpoint(guard, a, b) ? guard : null;
        } catch (Throwable t) {
            Bridge.fault(client.tag(), t);
            return null;
        }
    }

    /** The client this exchange is for: every request it builds names it. */
    public final HttpClientKind client() {
        return client;
    }

    /** Runs the client's own send of this call without the guard: the hooked method it enters passes untouched. */
    protected final <T> T unguarded(Supplier<T> send) {
        CallDepth depth = CallDepth.forClient(client);
        depth.getAndIncrement();
        try {
            return send.get();
        } finally {
            depth.decrementAndGet();
        }
    }

    /** Counts a fault of TokenGuard's own code in this client's adapter. */
    protected final void fault(Throwable t) {
        Bridge.fault(client.tag(), t);
    }

    /** Counts a failure to build the client's own response from an answer it did not fetch. */
    static void syntheticFault(Throwable t) {
        Bridge.fault(STAGE_SYNTHETIC, t);
    }

    static final String STAGE_SYNTHETIC = "synthetic";
}
