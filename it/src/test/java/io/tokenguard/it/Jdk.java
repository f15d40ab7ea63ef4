package io.tokenguard.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** A JDK the black-box suite runs child JVMs on: the build's own, and Temurin 25 when present. */
public final class Jdk {
    private final String name;
    private final Path home;
    private final String missingReason;

    private Jdk(String name, Path home, String missingReason) {
        this.name = name;
        this.home = home;
        this.missingReason = missingReason;
    }

    public static List<Jdk> all() {
        List<Jdk> jdks = new ArrayList<>();
        jdks.add(new Jdk("jdk" + Runtime.version().feature(), Paths.get(System.getProperty("java.home")), null));
        String jdk25 = System.getProperty("tokenguard.it.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64");
        Path java25 = Paths.get(jdk25, "bin", "java");
        jdks.add(Files.isExecutable(java25) ? new Jdk("jdk25", Paths.get(jdk25), null)
                : new Jdk("jdk25", null, "no Temurin 25 JDK at " + jdk25 + " (set -Dtokenguard.it.jdk25=...)"));
        return jdks;
    }

    public boolean installed() {
        return missingReason == null;
    }

    /** Skips the calling test, with the reason printed, when this JDK is not installed here. */
    public void assumeInstalled() {
        if (missingReason != null) {
            System.out.println("SKIPPED on " + name + ": " + missingReason);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(missingReason == null, missingReason);
    }

    public Path javaExecutable() {
        return home.resolve("bin").resolve("java");
    }

    @Override
    public String toString() {
        return name;
    }
}
