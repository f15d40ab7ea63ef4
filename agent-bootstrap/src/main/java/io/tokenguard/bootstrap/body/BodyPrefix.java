package io.tokenguard.bootstrap.body;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * The part of an upstream answer's body an adapter reads before the app sees the status: the whole
 * body if it ends within both bounds (at most {@code limit} bytes, and no longer than the wait after
 * the status and headers arrived), else the bytes read so far, the rest still unread on the stream
 * for the app. The deadline is checked between reads; a single read that blocks is bounded by the
 * client's own read timeout, as without the agent. Never reads more than {@code limit + 1} bytes,
 * the one more telling "larger than the limit" from "exactly the limit".
 */
public final class BodyPrefix {
    private static final int CHUNK = 8192;

    private final byte[] bytes;
    private final boolean complete;
    private final IOException failure;

    private BodyPrefix(byte[] bytes, boolean complete, IOException failure) {
        this.bytes = bytes;
        this.complete = complete;
        this.failure = failure;
    }

    /**
     * How long an adapter keeps reading a body: the agent's {@code capture.body-wait}, but never longer
     * than the client's own read timeout when it has one ({@code <= 0}: none).
     */
    public static long waitMillis(long bodyWaitMillis, long readTimeoutMillis) {
        long wait = Math.max(0, bodyWaitMillis);
        return readTimeoutMillis > 0 ? Math.min(wait, readTimeoutMillis) : wait;
    }

    /**
     * Reads from {@code in}, which the caller keeps open unless it ended: until the end of the body,
     * more than {@code limit} bytes, or {@code waitMillis} since this call (checked after each read).
     * A failure of the stream is kept with the bytes that had arrived, never thrown.
     */
    public static BodyPrefix read(InputStream in, int limit, long waitMillis) {
        long start = System.nanoTime();
        long wait = TimeUnit.MILLISECONDS.toNanos(Math.max(0, waitMillis));
        int max = limit < 0 ? 1 : limit == Integer.MAX_VALUE ? limit : limit + 1;
        byte[] chunk = new byte[Math.min(CHUNK, max)];
        ByteArrayOutputStream read = new ByteArrayOutputStream(Math.min(CHUNK, max));
        try {
            while (read.size() < max) {
                int n = in.read(chunk, 0, Math.min(chunk.length, max - read.size()));
                if (n < 0) {
                    return new BodyPrefix(read.toByteArray(), true, null);
                }
                read.write(chunk, 0, n);
                if (System.nanoTime() - start >= wait) {
                    break;
                }
            }
        } catch (IOException e) {
            return new BodyPrefix(read.toByteArray(), false, e);
        }
        return new BodyPrefix(read.toByteArray(), false, null);
    }

    /** The bytes read: the whole body if {@link #complete()}, else its first part. */
    public byte[] bytes() {
        return bytes;
    }

    /** The body ended within both bounds: nothing is left on the stream. */
    public boolean complete() {
        return complete;
    }

    /** How the stream broke after {@link #bytes()} (a reset, a read timeout), or null. */
    public IOException failure() {
        return failure;
    }

    /** Neither complete nor broken: the rest of the body is still on the stream. */
    public boolean truncated() {
        return !complete && failure == null;
    }
}
