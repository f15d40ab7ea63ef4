package io.tokenguard.bootstrap.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BodyPrefixTest {
    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    /** A stream that hands out one byte per read and counts the reads. */
    private static final class Trickle extends InputStream {
        private final byte[] data;
        private int position;
        int reads;
        boolean closed;

        Trickle(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            reads++;
            return position < data.length ? data[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int c = read();
            if (c < 0) {
                return -1;
            }
            b[off] = (byte) c;
            return 1;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void aBodyWithinTheLimitIsReadWhole() {
        BodyPrefix p = BodyPrefix.read(new ByteArrayInputStream(bytes(100)), 100, 60_000);
        assertThat(p.complete()).isTrue();
        assertThat(p.truncated()).isFalse();
        assertThat(p.bytes()).isEqualTo(bytes(100));
    }

    @Test
    void aLargerBodyStopsOneByteOverTheLimitAndLeavesTheRestOnTheStream() throws IOException {
        InputStream in = new ByteArrayInputStream(bytes(50_000));
        BodyPrefix p = BodyPrefix.read(in, 4096, 60_000);
        assertThat(p.truncated()).isTrue();
        assertThat(p.bytes()).isEqualTo(Arrays.copyOf(bytes(50_000), 4097));
        assertThat(PrefixedInputStream.followedBy(p.bytes(), in).readAllBytes()).isEqualTo(bytes(50_000));
    }

    @Test
    void noWaitStopsAfterTheFirstRead() {
        Trickle in = new Trickle(bytes(10));
        BodyPrefix p = BodyPrefix.read(in, 4096, 0);
        assertThat(p.truncated()).isTrue();
        assertThat(p.bytes()).hasSize(1);
        assertThat(in.reads).isEqualTo(1);
    }

    @Test
    void aFailureIsKeptWithTheBytesThatArrived() {
        InputStream in = new InputStream() {
            private int left = 3;

            @Override
            public int read() throws IOException {
                if (left-- > 0) {
                    return 'x';
                }
                throw new SocketException("Connection reset");
            }
        };
        BodyPrefix p = BodyPrefix.read(in, 4096, 60_000);
        assertThat(p.failure()).isInstanceOf(SocketException.class);
        assertThat(p.truncated()).isFalse();
        assertThat(p.complete()).isFalse();
        assertThat(p.bytes()).hasSize(3);
    }

    @Test
    void theWaitNeverExceedsTheClientsReadTimeout() {
        assertThat(BodyPrefix.waitMillis(1000, 0)).isEqualTo(1000);
        assertThat(BodyPrefix.waitMillis(1000, 300)).isEqualTo(300);
        assertThat(BodyPrefix.waitMillis(1000, 5000)).isEqualTo(1000);
        assertThat(BodyPrefix.waitMillis(-5, 0)).isZero();
    }

    @Test
    void thePrefixedStreamReadsPrefixThenRestAndClosesTheRest() throws IOException {
        Trickle rest = new Trickle(new byte[] {4, 5});
        PrefixedInputStream in = PrefixedInputStream.followedBy(new byte[] {1, 2, 3}, rest);
        assertThat(in.read()).isEqualTo(1);
        assertThat(in.skip(1)).isEqualTo(1);
        byte[] b = new byte[10];
        assertThat(in.read(b, 0, 10)).isEqualTo(1);
        assertThat(b[0]).isEqualTo((byte) 3);
        assertThat(in.read(b, 0, 0)).isZero();
        assertThat(in.read()).isEqualTo(4);
        assertThat(in.read(b, 0, 10)).isEqualTo(1);
        assertThat(in.read()).isEqualTo(-1);
        in.close();
        assertThat(rest.closed).isTrue();
    }

    @Test
    void aBrokenPrefixThrowsTheFailureAfterTheBytesThatArrived() throws IOException {
        SocketException reset = new SocketException("Connection reset");
        PrefixedInputStream in = PrefixedInputStream.thenFailing(new byte[] {1, 2}, reset);
        assertThat(in.available()).isEqualTo(2);
        assertThat(in.read()).isEqualTo(1);
        assertThat(in.read(new byte[4], 0, 4)).isEqualTo(1);
        assertThatThrownBy(in::read).isSameAs(reset);
        assertThatThrownBy(() -> in.read(new byte[4], 0, 4)).isSameAs(reset);
    }
}
