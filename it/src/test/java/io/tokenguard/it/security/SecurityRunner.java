package io.tokenguard.it.security;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The app side of the security suite, one child JVM (with or without the agent) for every case:
 * the JDK's clients here, each client library version in a class loader of its own (so OkHttp 3, 4
 * and 5 run in one JVM), each case printed by {@link Scenario}.
 * Arguments: http base, https base, TLS directory, the directory of the client library sets, then
 * the sets to run ({@code jdk} for the JDK's clients).
 */
public final class SecurityRunner {
    private SecurityRunner() {
    }

    public static void main(String[] args) throws Exception {
        String http = args[0];
        String https = args[1];
        Path tls = Paths.get(args[2]);
        Path clients = Paths.get(args[3]);
        URL classes = SecurityRunner.class.getProtectionDomain().getCodeSource().getLocation();
        for (int i = 4; i < args.length; i++) {
            String set = args[i];
            if (set.equals("jdk")) {
                JdkDriver.run(http, https, tls);
                continue;
            }
            List<URL> path = new ArrayList<>();
            path.add(classes);
            try (Stream<Path> jars = Files.list(clients.resolve(set))) {
                for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar")).sorted()::iterator) {
                    path.add(jar.toUri().toURL());
                }
            }
            String driver;
            String label;
            if (set.startsWith("okhttp-")) {
                driver = OkHttpDriver.class.getName();
                label = set;
            } else if (set.startsWith("httpclient5-")) {
                driver = Apache5Driver.class.getName();
                label = "apache5-" + set.substring("httpclient5-".length());
            } else if (set.startsWith("httpclient-")) {
                driver = Apache4Driver.class.getName();
                label = "apache4-" + set.substring("httpclient-".length());
            } else {
                throw new IllegalArgumentException("unknown client set " + set);
            }
            // The library and this suite's drivers in a loader of their own, as a container would; never
            // closed, since the library's background threads may still load classes until the JVM exits.
            @SuppressWarnings("resource")
            URLClassLoader loader = new URLClassLoader(path.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
            Class.forName(driver, true, loader).getMethod("run", String.class, String.class, String.class, String.class)
                    .invoke(null, label, http, https, tls.toString());
        }
        System.out.flush();
        System.exit(0);
    }
}
