package io.tokenguard.agent.instrument.okhttp;

import io.tokenguard.bootstrap.hook.OkHttpHook;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * Appends TokenGuard's interceptor to every OkHttpClient's application interceptors. Loaded by the
 * agent's loader, which may not see OkHttp: it names no OkHttp type and calls
 * {@code GuardingInterceptor.install} as defined in an adapter loader below the loader that holds the
 * client's OkHttp, through one method handle per such loader.
 */
public final class OkHttpAdapter implements OkHttpHook.Adapter {
    static final String INTERCEPTOR = "io.tokenguard.agent.instrument.okhttp.GuardingInterceptor";

    private final Function<ClassLoader, ClassLoader> adapterLoaders;
    private final Map<ClassLoader, MethodHandle> installers = Collections.synchronizedMap(new WeakHashMap<>());

    public OkHttpAdapter(Function<ClassLoader, ClassLoader> adapterLoaders) {
        this.adapterLoaders = adapterLoaders;
    }

    @Override
    public List<?> interceptors(Object client, Object builder, List<?> current) {
        MethodHandle install = installers.computeIfAbsent(client.getClass().getClassLoader(), this::installerFor);
        try {
            return (List<?>) install.invoke(client, builder, current);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private MethodHandle installerFor(ClassLoader okhttpLoader) {
        try {
            Class<?> type = Class.forName(INTERCEPTOR, true, adapterLoaders.apply(okhttpLoader));
            return MethodHandles.publicLookup().findStatic(type, "install",
                    MethodType.methodType(List.class, Object.class, Object.class, List.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the OkHttp interceptor", e);
        }
    }
}
