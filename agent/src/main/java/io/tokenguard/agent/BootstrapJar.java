package io.tokenguard.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;

/**
 * The bridge classes travel inside the agent jar as one nested jar; the JVM can only append a real
 * file to the bootstrap class path, so it is written to a private temp file first.
 */
final class BootstrapJar {
    static final String RESOURCE = "META-INF/tokenguard/tokenguard-bootstrap.jar.bin";
    private static final String BRIDGE = "io.tokenguard.bootstrap.Bridge";

    private BootstrapJar() {
    }

    static void appendTo(Instrumentation inst) throws IOException {
        if (bridgeLoadable()) {
            return;
        }
        Path jar = Files.createTempFile("tokenguard-bootstrap-", ".jar");
        jar.toFile().deleteOnExit();
        try (InputStream in = BootstrapJar.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("the agent jar has no " + RESOURCE + " (was it built with mvn package?)");
            }
            Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
        }
        inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
    }

    private static boolean bridgeLoadable() {
        try {
            Class.forName(BRIDGE, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
