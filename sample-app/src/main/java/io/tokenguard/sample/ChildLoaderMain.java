package io.tokenguard.sample;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the sample app inside a child class loader, as servlet containers and Spring Boot jars do:
 * {@code java -cp sample-app.jar io.tokenguard.sample.ChildLoaderMain <jar:jar:...> <sample args>}.
 * The jars (the sample app and its HTTP client library) are visible only to that child loader.
 */
public final class ChildLoaderMain {
    private ChildLoaderMain() {
    }

    public static void main(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String jar : args[0].split(File.pathSeparator)) {
            urls.add(new File(jar).toURI().toURL());
        }
        ClassLoader child = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(child);
        Class<?> app = Class.forName("io.tokenguard.sample.SampleApp", true, child);
        if (app.getClassLoader() != child) {
            throw new IllegalStateException("the sample app was not loaded by the child loader");
        }
        Method main = app.getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }
}
