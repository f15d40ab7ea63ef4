package io.tokenguard.bootstrap.hook;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.adapter.ClientFailure;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The one entry point of every client's bytecode patch. java.base types only, so the call links from
 * java.base, java.net.http and any app class loader; the agent installs one {@link Hook} per registered
 * client, in that client's slot, at start-up. A patch has one of two shapes, named as Byte Buddy names
 * its advice:
 * <ul>
 *   <li><em>answer first, skip the original</em>, Byte Buddy's
 *       {@code @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)} with an exit advice that
 *       returns the enter advice's value: the funnel starts with
 *       {@code Object r = ClientHooks.enter(slot, this, args...); if (r != null) return (T) r;}. A non-null
 *       answer (the guarded response, the caller's future) skips the original body; null (the default
 *       value) runs it untouched. Apache's {@code doExecute}, java.net.http's {@code sendAsync}.</li>
 *   <li><em>replace on exit</em>, Byte Buddy's {@code @Advice.OnMethodExit} writing
 *       {@code @Advice.Return(readOnly = false)} or {@code @Advice.FieldValue(readOnly = false)}: before
 *       each return, {@code value = (T) ClientHooks.exit(slot, this, value, arg)}. {@code URL.openConnection}
 *       (the connection), OkHttp's client constructor (its interceptors).</li>
 * </ul>
 * Fail-open: a hook that throws is counted under its client's tag and the method runs (or returns) as
 * without the agent; only the provider's IOExceptions (clients whose funnel declares them) and the
 * client's own failures ({@link ClientFailure}) reach the caller.
 */
public final class ClientHooks {
    /** What a client's adapter does at its patch. Arguments are the client's own objects; missing ones null. */
    public interface Hook {
        /** Answer first: the answer to return instead of running the method, or null to run it. */
        default Object enter(Object self, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5)
                throws Throwable {
            return null;
        }

        /** Replace on exit: what the method hands on instead of {@code value} (null: keep it). */
        default Object exit(Object self, Object value, Object a0) throws Throwable {
            return value;
        }
    }

    /** How many clients can be registered. */
    public static final int SLOTS = 16;
    /** The descriptor of {@link #enter}, for patches. */
    public static final String ENTER_DESCRIPTOR = "(ILjava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;"
            + "Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;";
    /** The descriptor of {@link #exit}, for patches. */
    public static final String EXIT_DESCRIPTOR =
            "(ILjava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;";
    /** The most arguments {@link #enter} passes on (besides the receiver). */
    public static final int MAX_ARGUMENTS = 6;

    private static final AtomicReferenceArray<Installed> HOOKS = new AtomicReferenceArray<>(SLOTS);

    private ClientHooks() {
    }

    /**
     * Installs (or, with null, removes) the hook of one client's slot.
     *
     * @param passesIOException the funnel declares IOException: one from the hook is the provider's, and reaches the caller
     */
    public static void install(int slot, HttpClientKind client, boolean passesIOException, Hook hook) {
        HOOKS.set(slot, hook == null ? null : new Installed(client.tag(), passesIOException, hook));
    }

    /** Answer first; see the class comment. Throws only the provider's IOException and the client's own failures. */
    public static Object enter(int slot, Object self, Object a0, Object a1, Object a2, Object a3, Object a4,
                               Object a5) throws IOException {
        Installed h = HOOKS.get(slot);
        if (h == null) {
            return null;
        }
        try {
            return h.hook.enter(self, a0, a1, a2, a3, a4, a5);
        } catch (IOException e) {
            if (h.passesIOException) {
                throw e;
            }
            Bridge.fault(h.stage, e);
            return null;
        } catch (ClientFailure f) {
            // The client's own failure, not TokenGuard's: running the method now would send the request again.
            throw f.rethrow();
        } catch (Throwable t) {
            Bridge.fault(h.stage, t);
            return null;
        }
    }

    /** Replace on exit; see the class comment. Never throws: on a fault the method's own value goes on. */
    public static Object exit(int slot, Object self, Object value, Object a0) {
        Installed h = HOOKS.get(slot);
        if (h == null || value == null) {
            return value;
        }
        try {
            Object replaced = h.hook.exit(self, value, a0);
            return replaced == null ? value : replaced;
        } catch (Throwable t) {
            Bridge.fault(h.stage, t);
            return value;
        }
    }

    private static final class Installed {
        final String stage;
        final boolean passesIOException;
        final Hook hook;

        Installed(String stage, boolean passesIOException, Hook hook) {
            this.stage = stage;
            this.passesIOException = passesIOException;
            this.hook = hook;
        }
    }
}
