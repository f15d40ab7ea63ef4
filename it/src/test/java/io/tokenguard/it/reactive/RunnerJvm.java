package io.tokenguard.it.reactive;

import io.tokenguard.it.Client;
import io.tokenguard.it.JavaProcess;
import io.tokenguard.it.Jdk;
import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A runner of this package in a child JVM, with a library set from target/clients on its class path, and
 * the one {@code case ...} line it prints.
 */
public final class RunnerJvm {
    private RunnerJvm() {
    }

    public static JavaProcess of(Jdk jdk, Class<?> runner, String librarySet) throws Exception {
        StringBuilder cp = new StringBuilder(
                Paths.get(runner.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        for (Path jar : Client.jars(librarySet)) {
            cp.append(File.pathSeparatorChar).append(jar);
        }
        return JavaProcess.on(jdk).main(runner.getName(), cp.toString());
    }

    public static String caseLine(JavaProcess.Result run) {
        for (String line : run.stdout.split("\n")) {
            if (line.startsWith("case ")) {
                return line.trim();
            }
        }
        throw new AssertionError("no case line: " + run);
    }
}
