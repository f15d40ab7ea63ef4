package io.tokenguard.agent.instrument;

import io.tokenguard.bootstrap.hook.ClientHooks;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The one router from a client's hook to its adapter as defined below the app's class loader that
 * holds the client's library ({@link AdapterClassLoader}), so the adapter links against the app's copy:
 * a Spring Boot jar, a servlet container's webapp, a child URLClassLoader. Names no library type itself
 * (the agent's loader may not see it). The adapter is found once per client class (a ClassValue: no lock,
 * no reflection per call) and is an ordinary {@link ClientHooks.Hook}.
 */
final class AdapterRouter implements ClientHooks.Hook {
    private final String adapterClass;
    private final Loaders loaders;
    private final ClassValue<ClientHooks.Hook> adapters = new ClassValue<ClientHooks.Hook>() {
        @Override
        protected ClientHooks.Hook computeValue(Class<?> clientClass) {
            return loaders.adapter(clientClass.getClassLoader(), adapterClass);
        }
    };

    AdapterRouter(String adapterClass, Loaders loaders) {
        this.adapterClass = adapterClass;
        this.loaders = loaders;
    }

    @Override
    public Object enter(Object self, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5)
            throws Throwable {
        return adapters.get(self.getClass()).enter(self, a0, a1, a2, a3, a4, a5);
    }

    @Override
    public Object exit(Object self, Object value, Object a0) throws Throwable {
        return adapters.get(self.getClass()).exit(self, value, a0);
    }

    /**
     * One adapter loader per app loader, for every library adapter package at once (each adapter links
     * only when its client is used). Weakly held: the loader lives as long as the adapters made in it,
     * which live as long as the client classes they were found for.
     */
    static final class Loaders {
        private final String[] packages;
        private final ClassLoader agentLoader;
        private final Map<ClassLoader, WeakReference<AdapterClassLoader>> byAppLoader = new WeakHashMap<>();

        Loaders(String[] packages, ClassLoader agentLoader) {
            this.packages = packages.clone();
            this.agentLoader = agentLoader;
        }

        ClientHooks.Hook adapter(ClassLoader appLoader, String adapterClass) {
            try {
                Class<?> type = Class.forName(adapterClass, true, loaderBelow(appLoader));
                return (ClientHooks.Hook) type.getConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot load the adapter " + adapterClass, e);
            }
        }

        private synchronized AdapterClassLoader loaderBelow(ClassLoader appLoader) {
            WeakReference<AdapterClassLoader> ref = byAppLoader.get(appLoader);
            AdapterClassLoader loader = ref == null ? null : ref.get();
            if (loader == null) {
                loader = new AdapterClassLoader(appLoader, packages, agentLoader);
                byAppLoader.put(appLoader, new WeakReference<>(loader));
            }
            return loader;
        }
    }
}
