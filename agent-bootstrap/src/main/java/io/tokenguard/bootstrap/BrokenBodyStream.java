package io.tokenguard.bootstrap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A response body that broke on the wire (reset, read timeout) while the guard read it: the bytes
 * that had arrived, then the very failure, so the app meets it on its body read as it would have
 * without the agent.
 */
final class BrokenBodyStream extends InputStream {
    private final ByteArrayInputStream arrived;
    private final IOException failure;

    BrokenBodyStream(byte[] arrived, IOException failure) {
        this.arrived = new ByteArrayInputStream(arrived);
        this.failure = failure;
    }

    @Override
    public int read() throws IOException {
        int b = arrived.read();
        if (b < 0) {
            throw failure;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n = arrived.read(b, off, len);
        if (n < 0) {
            throw failure;
        }
        return n;
    }

    @Override
    public int available() {
        return arrived.available();
    }
}
