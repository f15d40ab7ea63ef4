package io.tokenguard.agent.instrument.apache;

import io.tokenguard.bootstrap.hook.ApacheHttpClientHook;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * Routes a hook to a GuardedExecution (4.5 or 5) as defined in an adapter loader below the loader that
 * holds the app's HttpClient. Names no HttpClient type itself: the agent's loader may not see it.
 * One method handle per app loader, so there is no reflection per call.
 */
public final class ApacheAdapter implements ApacheHttpClientHook.Adapter {
    private final String execution;
    private final Function<ClassLoader, ClassLoader> adapterLoaders;
    private final Map<ClassLoader, MethodHandle> handles = Collections.synchronizedMap(new WeakHashMap<>());

    /** @param execution the GuardedExecution class of one HttpClient major version */
    public ApacheAdapter(String execution, Function<ClassLoader, ClassLoader> adapterLoaders) {
        this.execution = execution;
        this.adapterLoaders = adapterLoaders;
    }

    @Override
    public Object execute(Object client, Object target, Object request, Object context) throws IOException {
        MethodHandle handle = handles.computeIfAbsent(client.getClass().getClassLoader(), this::handleFor);
        try {
            return handle.invoke(client, target, request, context);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private MethodHandle handleFor(ClassLoader appLoader) {
        try {
            Class<?> type = Class.forName(execution, true, adapterLoaders.apply(appLoader));
            return MethodHandles.publicLookup().findStatic(type, "execute", MethodType.methodType(Object.class,
                    Object.class, Object.class, Object.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the Apache HttpClient adapter", e);
        }
    }
}
