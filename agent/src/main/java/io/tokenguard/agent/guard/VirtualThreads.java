package io.tokenguard.agent.guard;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether the current thread is virtual (JDK 21+), without compiling against JDK 21: a JDK socket
 * read reacts to an interrupt differently on a virtual thread, and a waiting caller must react like
 * the socket read it stands in for.
 */
final class VirtualThreads {
    private static final MethodHandle IS_VIRTUAL = lookup();

    private VirtualThreads() {
    }

    private static MethodHandle lookup() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // before JDK 21 there are no virtual threads
        }
    }

    static boolean current() {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
        } catch (Throwable t) {
            return false;
        }
    }
}
