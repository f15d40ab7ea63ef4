package io.tokenguard.bootstrap.body;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A request body captured through the one method every body of a library supports, its own
 * {@code writeTo} (Spring's Apache request body and Apache's {@code EntityTemplate} support nothing else),
 * written exactly once: the client is then handed {@link #replay the copy} to send in its place. So
 * what the guard keys on is byte for byte what goes on the wire, even for a body that writes something
 * else the second time, or that calls itself repeatable over a stream the app has only once. The copy
 * is every byte the app wrote, however long (a body over the capture limit passes unguarded, but
 * whole), and, if the app's writer failed, the same failure after them. Nothing the app wrote is lost.
 */
public final class WrittenBody {
    /** A library body's {@code writeTo}. */
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private final ByteArrayOutputStream bytes;
    private final int limit;
    private final Throwable failure;

    private WrittenBody(ByteArrayOutputStream bytes, int limit, Throwable failure) {
        this.bytes = bytes;
        this.limit = limit;
        this.failure = failure;
    }

    /** Writes the body once; never throws what the writer threw (the copy keeps it for the replay). */
    public static WrittenBody write(Writer writer, int limit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(0, Math.min(limit, 1024)) + 1);
        Throwable failure = null;
        try {
            writer.writeTo(out);
        } catch (Throwable t) {
            failure = t;
        }
        return new WrittenBody(out, limit, failure);
    }

    /** The body within the limit, written without failure: what the guard may see. */
    public boolean guardable() {
        return failure == null && bytes.size() <= limit;
    }

    public byte[] bytes() {
        return bytes.toByteArray();
    }

    public int size() {
        return bytes.size();
    }

    /** The copy: what the body wrote, then the failure it met, as it met it. */
    public void replay(OutputStream out) throws IOException {
        bytes.writeTo(out);
        failAgain();
    }

    public InputStream content() throws IOException {
        failAgain();
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    private void failAgain() throws IOException {
        if (failure == null) {
            return;
        }
        if (failure instanceof IOException) {
            throw (IOException) failure;
        }
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
        if (failure instanceof Error) {
            throw (Error) failure;
        }
        throw new IOException(failure);
    }
}
