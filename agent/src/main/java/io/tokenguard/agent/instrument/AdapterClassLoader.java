package io.tokenguard.agent.instrument;

import java.io.IOException;
import java.io.InputStream;

/**
 * Defines an adapter package's classes as a child of the app's class loader that holds the client
 * library, so they link against that loader's copy of the library (a Spring Boot jar, a servlet
 * container...). Everything else is the parent's; the bridge comes from the boot loader.
 */
final class AdapterClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final String adapterPackage;
    private final ClassLoader agentLoader;

    AdapterClassLoader(ClassLoader parent, String adapterPackage, ClassLoader agentLoader) {
        super(parent);
        this.adapterPackage = adapterPackage;
        this.agentLoader = agentLoader;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.startsWith(adapterPackage)) {
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
