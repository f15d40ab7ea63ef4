package io.tokenguard.agent.instrument.apache;

import io.tokenguard.bootstrap.hook.ApacheHttpAsyncClient5Hook;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * Routes the HttpClient 5 async hook to GuardedAsyncExecution as defined in an adapter loader below the
 * loader that holds the app's HttpClient, like {@link ApacheAdapter} for the classic clients.
 */
public final class ApacheAsyncAdapter implements ApacheHttpAsyncClient5Hook.Adapter {
    private static final String EXECUTION = "io.tokenguard.agent.instrument.apache5.Apache5AsyncAdapter";

    private final Function<ClassLoader, ClassLoader> adapterLoaders;
    private final Map<ClassLoader, MethodHandle> handles = Collections.synchronizedMap(new WeakHashMap<>());

    public ApacheAsyncAdapter(Function<ClassLoader, ClassLoader> adapterLoaders) {
        this.adapterLoaders = adapterLoaders;
    }

    @Override
    public Object execute(Object client, Object target, Object producer, Object consumer, Object pushHandlerFactory,
                          Object context, Object callback) throws Throwable {
        MethodHandle handle = handles.computeIfAbsent(client.getClass().getClassLoader(), this::handleFor);
        return handle.invoke(client, target, producer, consumer, pushHandlerFactory, context, callback);
    }

    private MethodHandle handleFor(ClassLoader appLoader) {
        try {
            Class<?> type = Class.forName(EXECUTION, true, adapterLoaders.apply(appLoader));
            return MethodHandles.publicLookup().findStatic(type, "execute", MethodType.genericMethodType(7));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the Apache HttpClient 5 async adapter", e);
        }
    }
}
