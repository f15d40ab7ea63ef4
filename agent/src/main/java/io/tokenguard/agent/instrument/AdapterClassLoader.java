package io.tokenguard.agent.instrument;

import java.io.IOException;
import java.io.InputStream;

/**
 * Defines the library adapters' classes as a child of the app's class loader that holds the client
 * library, so they link against that loader's copy of the library (a Spring Boot jar, a servlet
 * container...). Everything else is the parent's; the bridge comes from the boot loader.
 */
final class AdapterClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final String[] adapterPackages;
    private final ClassLoader agentLoader;

    /** @param adapterPackages the library adapters' packages, each ending in a dot */
    AdapterClassLoader(ClassLoader parent, String[] adapterPackages, ClassLoader agentLoader) {
        super(parent);
        this.adapterPackages = adapterPackages;
        this.agentLoader = agentLoader;
    }

    private boolean isAdapter(String name) {
        for (String p : adapterPackages) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!isAdapter(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                byte[] bytes = read(name);
                c = defineClass(name, bytes, 0, bytes.length, AdapterClassLoader.class.getProtectionDomain());
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    private byte[] read(String name) throws ClassNotFoundException {
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = agentLoader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ClassNotFoundException(name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }
}
