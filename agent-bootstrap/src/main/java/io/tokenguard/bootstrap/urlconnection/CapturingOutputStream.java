package io.tokenguard.bootstrap.urlconnection;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * The request body stream a guarded connection hands out. Buffers up to the capture limit; past it,
 * the real connection's own stream takes over (the buffered bytes first) and the exchange is no
 * longer guarded. Mimics the JDK's two body streams: in the default mode writes after close are
 * ignored (PosterOutputStream); in a streaming mode they fail, and a fixed length is enforced with
 * the JDK's messages (StreamingOutputStream).
 */
final class CapturingOutputStream extends OutputStream {
    private final ConnectionExchange owner;
    private final int limit;
    private final long expected;
    private final boolean streaming;
    private byte[] buffer = new byte[64];
    private int count;
    private boolean closed;
    private IOException error;
    /** The real connection's stream, once this one passes through. */
    private OutputStream forward;

    CapturingOutputStream(ConnectionExchange owner, int limit, long expected, boolean streaming) {
        this.owner = owner;
        this.limit = limit;
        this.expected = expected;
        this.streaming = streaming;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (forward != null) {
            forward.write(b, off, len);
            return;
        }
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            if (streaming) {
                throw new IOException("Stream is closed");
            }
            return;
        }
        if (error != null) {
            throw error;
        }
        if (expected >= 0 && (long) count + len > expected) {
            throw new IOException("too many bytes written");
        }
        if ((long) count + len > limit) {
            forward = owner.overflow(buffer, count);
            buffer = null;
            forward.write(b, off, len);
            return;
        }
        if (count + len > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, count + len));
        }
        System.arraycopy(b, off, buffer, count, len);
        count += len;
    }

    @Override
    public void flush() throws IOException {
        if (forward != null) {
            forward.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (forward != null) {
            forward.close();
            return;
        }
        if (closed) {
            return;
        }
        closed = true;
        if (expected >= 0 && count != expected) {
            error = new IOException("insufficient data written");
            throw error;
        }
    }

    /** Whether the body is complete enough to be sent as captured (a fixed length was honoured). */
    boolean complete() {
        return forward == null && error == null && (expected < 0 || count == expected);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, count);
    }

    void writeTo(OutputStream out) throws IOException {
        if (buffer != null) {
            out.write(buffer, 0, count);
        }
    }

    /** After a late switch to pass-through: any further writes go to the real stream. */
    void forwardTo(OutputStream out) {
        forward = out;
        buffer = null;
    }
}
