package io.tokenguard.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
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
        try (InputStream in = BootstrapJar.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("the agent jar has no " + RESOURCE + " (was it built with mvn package?)");
            }
            Path jar = newPrivateFile();
            jar.toFile().deleteOnExit();
            Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
            inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile(), false));
        }
    }

    /**
     * A new file in the temp directory, created exclusively (never an existing file or symlink).
     * Not {@code Files.createTempFile}: its random name wakes SecureRandom and the security
     * providers, about a tenth of the agent's whole start-up, for a name that only has to be new.
     */
    private static Path newPrivateFile() throws IOException {
        Path dir = Paths.get(System.getProperty("java.io.tmpdir"));
        String stem = "tokenguard-bootstrap-" + ProcessHandle.current().pid() + "-";
        FileAlreadyExistsException last = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            Path candidate = dir.resolve(stem + Long.toHexString(System.nanoTime()) + ".jar");
            try {
                return Files.createFile(candidate, ownerOnly(dir));
            } catch (FileAlreadyExistsException e) {
                last = e;
            }
        }
        throw last;
    }

    private static FileAttribute<?>[] ownerOnly(Path dir) {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
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
