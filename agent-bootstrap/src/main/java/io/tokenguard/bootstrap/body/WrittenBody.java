package io.tokenguard.bootstrap.body;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A request body captured through the one method every body of a library supports, its own
 * {@code writeTo} (Spring's Apache request body and Apache's {@code EntityTemplate} support nothing else).
 * A body that can be written again is held only up to the capture limit: one more byte ends the write,
 * and the client writes it again itself. A body that cannot is spent by the write, so it is held whole,
 * however long, and the client must send {@link #replay the copy} instead: the same bytes and, if the
 * app's writer failed, the same failure after them. Nothing the app wrote is lost.
 */
public final class WrittenBody {
    /** A library body's {@code writeTo}. */
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private final Buffer bytes;
    private final boolean repeatable;
    private final Throwable failure;

    private WrittenBody(Buffer bytes, boolean repeatable, Throwable failure) {
        this.bytes = bytes;
        this.repeatable = repeatable;
        this.failure = failure;
    }

    /** Writes the body once; never throws what the writer threw (a spent body keeps it for the replay). */
    public static WrittenBody write(Writer writer, boolean repeatable, int limit) {
        Buffer out = new Buffer(limit, !repeatable);
        Throwable failure = null;
        try {
            writer.writeTo(out);
        } catch (Throwable t) {
            failure = t;
        }
        return new WrittenBody(out, repeatable, failure);
    }

    /** The body within the limit, written without failure: what the guard may see. */
    public boolean guardable() {
        return failure == null && !bytes.over;
    }

    public byte[] bytes() {
        return bytes.toByteArray();
    }

    /** The original cannot be written again: the client must send {@link #replay} in its place. */
    public boolean spent() {
        return !repeatable;
    }

    /** The copy's length: unknown stays unknown (the client frames the body as it would have). */
    public long length(long original) {
        return failure == null && original >= 0 ? bytes.size() : -1;
    }

    /** The copy: what the spent body wrote, then the failure it met, as it met it. */
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

    private static final class Buffer extends ByteArrayOutputStream {
        private final int limit;
        private final boolean keepAll;
        private boolean over;

        Buffer(int limit, boolean keepAll) {
            super(Math.max(0, Math.min(limit, 1024)) + 1);
            this.limit = limit;
            this.keepAll = keepAll;
        }

        @Override
        public synchronized void write(int b) {
            if (room(1)) {
                super.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (room(len)) {
                super.write(b, off, len);
            }
        }

        @Override
        public void write(byte[] b) {
            write(b, 0, b.length);
        }

        private boolean room(int len) {
            if (count + (long) len <= limit) {
                return true;
            }
            over = true;
            if (keepAll) {
                return true;
            }
            throw new Overflow();
        }
    }

    /**
     * Ends a write at the limit. Unchecked, so that it leaves a {@code writeTo} that wraps only
     * IOExceptions as it came; whatever wraps it, the buffer still knows it went over.
     */
    private static final class Overflow extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Overflow() {
            super("request body over the capture limit", null, false, false);
        }
    }
}
