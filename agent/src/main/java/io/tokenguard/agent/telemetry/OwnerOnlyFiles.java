package io.tokenguard.agent.telemetry;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * How TokenGuard writes its output files (events, JSON and HTML reports): created readable by their
 * owner only (0600 where the file system has POSIX permissions), and never through a symbolic link
 * planted at the configured path, which could otherwise make the agent write wherever it points.
 */
final class OwnerOnlyFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private OwnerOnlyFiles() {
    }

    /** Replaces the file whole: written to a new owner-only file beside it, then moved into place. */
    static void replace(String path, byte[] content) throws IOException {
        Path target = refuseLink(path);
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = POSIX ? Files.createTempFile(dir, ".tokenguard-", ".tmp", ownerOnly())
                : Files.createTempFile(dir, ".tokenguard-", ".tmp");
        try {
            Files.write(tmp, content);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Opens the file to append to, creating it owner-only; a symbolic link there is refused, not followed. */
    static OutputStream append(String path) throws IOException {
        Path target = refuseLink(path);
        Set<OpenOption> all = new HashSet<>(Arrays.asList(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
        return Channels.newOutputStream(POSIX ? Files.newByteChannel(target, all, ownerOnly())
                : Files.newByteChannel(target, all));
    }

    private static Path refuseLink(String path) throws IOException {
        Path target = Path.of(path);
        if (Files.isSymbolicLink(target)) {
            throw new SymbolicLinkRefused();
        }
        return target;
    }

    /** The error lines name the exception's class: "cannot write tokenguard.report.json=... (SymbolicLinkRefused)". */
    static final class SymbolicLinkRefused extends IOException {
        SymbolicLinkRefused() {
            super("refusing to write through a symbolic link");
        }
    }

    private static FileAttribute<?> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    }
}
