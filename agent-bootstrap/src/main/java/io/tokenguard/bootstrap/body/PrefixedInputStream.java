package io.tokenguard.bootstrap.body;

import java.io.IOException;
import java.io.InputStream;

/**
 * What the app reads of an answer an adapter read only in part: the bytes it read, then the live
 * rest of the client's own stream, so nothing is lost or read twice; or, for a body that broke while
 * the adapter read it, the bytes that had arrived and then that very failure, where the app would
 * have met it without the agent. Closing closes the client's stream (releasing the connection as
 * the client does).
 */
public final class PrefixedInputStream extends InputStream {
    private final byte[] prefix;
    private int position;
    private final InputStream rest;
    private final IOException failure;

    private PrefixedInputStream(byte[] prefix, InputStream rest, IOException failure) {
        this.prefix = prefix;
        this.rest = rest;
        this.failure = failure;
    }

    /** The prefix, then the rest of the client's stream. */
    public static PrefixedInputStream followedBy(byte[] prefix, InputStream rest) {
        return new PrefixedInputStream(prefix, rest, null);
    }

    /** The bytes that arrived, then {@code failure} on every read (the stream had broken there). */
    public static PrefixedInputStream thenFailing(byte[] arrived, IOException failure) {
        return new PrefixedInputStream(arrived, null, failure);
    }

    private int remaining() {
        return prefix.length - position;
    }

    @Override
    public int read() throws IOException {
        if (remaining() > 0) {
            return prefix[position++] & 0xff;
        }
        return next().read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (off < 0 || len < 0 || len > b.length - off) {
            throw new IndexOutOfBoundsException();
        }
        if (len == 0) {
            return 0;
        }
        int left = remaining();
        if (left > 0) {
            int n = Math.min(left, len);
            System.arraycopy(prefix, position, b, off, n);
            position += n;
            return n;
        }
        return next().read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
        int left = remaining();
        if (left > 0) {
            int skipped = (int) Math.min(left, Math.max(0, n));
            position += skipped;
            return skipped;
        }
        return failure != null ? 0 : rest.skip(n);
    }

    @Override
    public int available() throws IOException {
        int left = remaining();
        if (failure != null) {
            return left;
        }
        long all = (long) left + rest.available();
        return (int) Math.min(Integer.MAX_VALUE, all);
    }

    @Override
    public void close() throws IOException {
        position = prefix.length;
        if (rest != null) {
            rest.close();
        }
    }

    private InputStream next() throws IOException {
        if (failure != null) {
            throw failure;
        }
        return rest;
    }
}
