package io.tokenguard.bootstrap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Buffers a request body up to a limit. Past the limit it hands over to the real connection's
 * stream (writing what it had buffered first) and the exchange is no longer guarded.
 */
final class CapturingOutputStream extends OutputStream {
    /** Called once when the body outgrows the limit; returns the stream to continue on. */
    interface Overflow {
        OutputStream spill() throws IOException;
    }

    private final int limit;
    private final Overflow overflow;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private OutputStream spilled;
    private boolean closed;

    CapturingOutputStream(int limit, Overflow overflow) {
        this.limit = limit;
        this.overflow = overflow;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (off < 0 || len < 0 || len > b.length - off) {
            throw new IndexOutOfBoundsException();
        }
        if (closed) {
            throw new IOException("Stream is closed");
        }
        if (spilled == null && buffer.size() + len > limit) {
            spilled = overflow.spill();
            buffer.writeTo(spilled);
        }
        if (spilled != null) {
            spilled.write(b, off, len);
        } else {
            buffer.write(b, off, len);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        if (spilled != null) {
            spilled.flush();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (spilled != null) {
            spilled.close();
        }
    }

    synchronized boolean spilled() {
        return spilled != null;
    }

    synchronized byte[] bytes() {
        return buffer.toByteArray();
    }
}
