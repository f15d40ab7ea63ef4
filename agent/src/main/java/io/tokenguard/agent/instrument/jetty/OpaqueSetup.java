package io.tokenguard.agent.instrument.jetty;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.RequestListeners;
import org.eclipse.jetty.client.transport.HttpRequest;

/**
 * What a request may carry that the guard can neither read into its key nor reproduce on an upstream
 * copy, so that the call passes untouched (Jetty's own send, as without TokenGuard):
 * <ul>
 *   <li>request listeners, the request's own ({@code onRequestBegin(...)} and the like, or
 *       {@code Request.Listener}) or its client's ({@code HttpClient.getRequestListeners()}): Jetty runs
 *       them on the connection, below the hook, and they may change the request (a begin listener
 *       setting {@code Authorization}, per tenant from an attribute), so no key read before them is
 *       sound; and the app expects them notified of its own request's send;</li>
 *   <li>a per-request {@code Transport} (Jetty 12.1's {@code Request.transport(...)}: Unix sockets,
 *       QUIC, memory): it is not part of Jetty's own {@code copy(URI)} either.</li>
 * </ul>
 * Jetty keeps none of these public on the request: its own listeners are a private field, created on
 * the first {@code onRequestXxx}, and a {@code RequestListeners} tells what it holds only through
 * protected getters; {@code getTransport()} does not exist before 12.1. They are read reflectively;
 * when Jetty's classes are not as expected, every request is taken to carry them (it passes untouched).
 */
final class OpaqueSetup {
    /** HttpRequest's private requestListeners (null until a listener was added), or null if not reachable. */
    private static final MethodHandle OWN_LISTENERS = ownListeners();
    /** RequestListeners' protected getters, one per kind of listener, or null if not reachable. */
    private static final MethodHandle[] KINDS = kinds();
    /** Request.getTransport() (Jetty 12.1 and later), or null before 12.1. */
    private static final MethodHandle TRANSPORT = transport();

    private OpaqueSetup() {
    }

    /** Whether the request carries anything the guard cannot see or reproduce. */
    static boolean present(HttpRequest request, HttpClient client) throws Throwable {
        if (OWN_LISTENERS == null || KINDS == null) {
            return true;
        }
        if (any((RequestListeners) OWN_LISTENERS.invokeExact(request)) || any(client.getRequestListeners())) {
            return true;
        }
        return TRANSPORT != null && TRANSPORT.invokeExact((Request) request) != null;
    }

    private static boolean any(RequestListeners listeners) throws Throwable {
        if (listeners == null) {
            return false;
        }
        for (MethodHandle kind : KINDS) {
            Object listener = kind.invokeExact(listeners);
            if (listener != null && !tracing(listener)) {
                return true;
            }
        }
        return false;
    }

    /**
     * OpenTelemetry's Java agent registers its own listeners on every request it traces, in the very
     * send TokenGuard answers in; they only end its span (its trace headers are set on the request
     * itself, where the guard sees them), so they do not make a call opaque. Only one listener of a
     * kind shows its own class: two of a kind are Jetty's composite, and the call passes untouched.
     */
    private static boolean tracing(Object listener) {
        String name = listener.getClass().getName();
        // In two parts: the agent jar's shading rewrites "io.opentelemetry" in string constants too.
        return name.startsWith("io.") && name.startsWith("opentelemetry.", 3);
    }

    private static MethodHandle ownListeners() {
        try {
            Field f = HttpRequest.class.getDeclaredField("requestListeners");
            if (!RequestListeners.class.isAssignableFrom(f.getType())) {
                return null;
            }
            f.setAccessible(true);
            return MethodHandles.lookup().unreflectGetter(f)
                    .asType(MethodType.methodType(RequestListeners.class, HttpRequest.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static MethodHandle[] kinds() {
        String[] getters = {"getQueuedListener", "getBeginListener", "getHeadersListener", "getCommitListener",
                "getContentListener", "getSuccessListener", "getFailureListener"};
        try {
            MethodHandle[] handles = new MethodHandle[getters.length];
            for (int i = 0; i < getters.length; i++) {
                Method m = RequestListeners.class.getDeclaredMethod(getters[i]);
                m.setAccessible(true);
                handles[i] = MethodHandles.lookup().unreflect(m)
                        .asType(MethodType.methodType(Object.class, RequestListeners.class));
            }
            return handles;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static MethodHandle transport() {
        try {
            Method m = Request.class.getMethod("getTransport");
            return MethodHandles.publicLookup().unreflect(m).asType(MethodType.methodType(Object.class, Request.class));
        } catch (NoSuchMethodException e) {
            // Jetty 12.0: no per-request transport.
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // There but not callable: every request is taken to name one.
            return MethodHandles.dropArguments(MethodHandles.constant(Object.class, Boolean.TRUE), 0, Request.class);
        }
    }
}
