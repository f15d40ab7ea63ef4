package io.tokenguard.sample;

import java.io.PrintStream;
import java.lang.reflect.Method;

/**
 * --use-libraries: the app uses its own copies of libraries an agent also uses (Byte Buddy, Caffeine,
 * Jackson, Micrometer), at whatever versions are on its class path. Reflective so the sample app
 * stays JDK-only; prints one line per library, "missing" when it is not on the class path.
 */
final class OwnLibraries {
    private OwnLibraries() {
    }

    static void use(PrintStream out) {
        out.println("library byte-buddy: " + attempt(OwnLibraries::byteBuddy));
        out.println("library caffeine: " + attempt(OwnLibraries::caffeine));
        out.println("library jackson-core: " + attempt(OwnLibraries::jackson));
        out.println("library micrometer: " + attempt(OwnLibraries::micrometer));
    }

    private interface Use {
        String run() throws Exception;
    }

    private static String attempt(Use use) {
        try {
            return use.run();
        } catch (ClassNotFoundException e) {
            return "missing";
        } catch (Throwable t) {
            return "FAILED " + t;
        }
    }

    /** Defines a subclass with the app's Byte Buddy and reports the version that did it. */
    private static String byteBuddy() throws Exception {
        Class<?> byteBuddy = Class.forName("net.bytebuddy.ByteBuddy");
        Object builder = byteBuddy.getMethod("subclass", Class.class).invoke(byteBuddy.getConstructor().newInstance(),
                Object.class);
        Object unloaded = builder.getClass().getMethod("make").invoke(builder);
        Method load = unloaded.getClass().getMethod("load", ClassLoader.class);
        Object loaded = load.invoke(unloaded, OwnLibraries.class.getClassLoader());
        Class<?> type = (Class<?>) loaded.getClass().getMethod("getLoaded").invoke(loaded);
        String jar = byteBuddy.getProtectionDomain().getCodeSource().getLocation().getPath();
        return "ok " + jar.substring(jar.lastIndexOf('/') + 1) + " " + (type.getSuperclass() == Object.class);
    }

    private static String caffeine() throws Exception {
        Class<?> caffeine = Class.forName("com.github.benmanes.caffeine.cache.Caffeine");
        Object builder = caffeine.getMethod("newBuilder").invoke(null);
        Object cache = builder.getClass().getMethod("build").invoke(builder);
        Method put = cache.getClass().getMethod("put", Object.class, Object.class);
        put.setAccessible(true);
        put.invoke(cache, "k", "v");
        Method get = cache.getClass().getMethod("getIfPresent", Object.class);
        get.setAccessible(true);
        return "ok " + get.invoke(cache, "k");
    }

    private static String jackson() throws Exception {
        Class<?> factory = Class.forName("com.fasterxml.jackson.core.JsonFactory");
        Object f = factory.getConstructor().newInstance();
        Object parser = factory.getMethod("createParser", String.class).invoke(f, "{\"a\":1}");
        Object first = parser.getClass().getMethod("nextToken").invoke(parser);
        return "ok " + factory.getMethod("version").invoke(f) + " " + first;
    }

    private static String micrometer() throws Exception {
        Class<?> registry = Class.forName("io.micrometer.core.instrument.simple.SimpleMeterRegistry");
        Object r = registry.getConstructor().newInstance();
        Object counter = registry.getMethod("counter", String.class, String[].class).invoke(r, "app.calls",
                new String[0]);
        counter.getClass().getMethod("increment").invoke(counter);
        return "ok " + counter.getClass().getMethod("count").invoke(counter);
    }
}
