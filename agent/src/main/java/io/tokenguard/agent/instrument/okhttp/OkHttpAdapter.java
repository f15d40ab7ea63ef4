package io.tokenguard.agent.instrument.okhttp;

import io.tokenguard.bootstrap.OkHttpHook;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * Appends TokenGuard's interceptor to every OkHttpClient's application interceptors. Loaded by the
 * agent's loader, which may not see OkHttp: it names no OkHttp type and creates the interceptor in
 * an adapter loader below the loader that holds the client's OkHttp, one per such loader.
 */
public final class OkHttpAdapter implements OkHttpHook.Adapter {
    static final String INTERCEPTOR = "io.tokenguard.agent.instrument.okhttp.GuardingInterceptor";

    private final Function<ClassLoader, ClassLoader> adapterLoaders;
    private final Map<ClassLoader, Object> interceptors = Collections.synchronizedMap(new WeakHashMap<>());

    public OkHttpAdapter(Function<ClassLoader, ClassLoader> adapterLoaders) {
        this.adapterLoaders = adapterLoaders;
    }

    @Override
    public List<?> interceptors(Object client, List<?> current) {
        for (Object existing : current) {
            if (existing != null && existing.getClass().getName().equals(INTERCEPTOR)) {
                // newBuilder() of a guarded client copies its interceptors: never add a second one.
                return current;
            }
        }
        ClassLoader okhttpLoader = client.getClass().getClassLoader();
        Object interceptor = interceptors.computeIfAbsent(okhttpLoader, this::newInterceptor);
        List<Object> guarded = new ArrayList<>(current.size() + 1);
        guarded.addAll(current);
        guarded.add(interceptor);
        return Collections.unmodifiableList(guarded);
    }

    private Object newInterceptor(ClassLoader okhttpLoader) {
        try {
            return Class.forName(INTERCEPTOR, true, adapterLoaders.apply(okhttpLoader))
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the OkHttp interceptor", e);
        }
    }
}
