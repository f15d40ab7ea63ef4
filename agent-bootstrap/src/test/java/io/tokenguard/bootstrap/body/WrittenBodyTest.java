package io.tokenguard.bootstrap.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WrittenBodyTest {
    private static final byte[] FORM = "grant_type=client_credentials".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aBodyWithinTheLimitIsCapturedWhole() {
        WrittenBody body = WrittenBody.write(out -> out.write(FORM), true, FORM.length);

        assertThat(body.guardable()).isTrue();
        assertThat(body.bytes()).isEqualTo(FORM);
        assertThat(body.spent()).isFalse();
    }

    @Test
    void aRepeatableBodyStopsBeingWrittenOneByteAfterTheLimit() {
        AtomicInteger writes = new AtomicInteger();
        WrittenBody body = WrittenBody.write(out -> {
            for (int i = 0; i < 1000; i++) {
                writes.incrementAndGet();
                out.write('x');
            }
        }, true, 10);

        assertThat(body.guardable()).isFalse();
        assertThat(writes).hasValue(11);
        assertThat(body.spent()).isFalse();
    }

    @Test
    void theLimitIsSeenEvenWhenTheWriterWrapsTheOverflow() {
        WrittenBody body = WrittenBody.write(out -> {
            try {
                out.write(new byte[20]);
            } catch (RuntimeException e) {
                throw new IOException("wrapped by the app's writer", e);
            }
        }, true, 10);

        assertThat(body.guardable()).isFalse();
    }

    @Test
    void aSpentBodyIsKeptWholePastTheLimitAndReplayedAsWritten() throws IOException {
        byte[] large = new byte[100_000];
        large[99_999] = 7;
        WrittenBody body = WrittenBody.write(out -> out.write(large), false, 10);

        assertThat(body.guardable()).isFalse();
        assertThat(body.spent()).isTrue();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        body.replay(sent);
        assertThat(sent.toByteArray()).isEqualTo(large);
        assertThat(body.length(-1)).isEqualTo(-1);
        assertThat(body.length(100_000)).isEqualTo(100_000);
    }

    @Test
    void aSpentBodyWhoseWriterFailedReplaysItsBytesThenTheSameFailure() {
        IOException broken = new IOException("the app's stream broke");
        WrittenBody body = WrittenBody.write(out -> {
            out.write(FORM, 0, 5);
            throw broken;
        }, false, 1000);

        assertThat(body.guardable()).isFalse();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        assertThatThrownBy(() -> body.replay(sent)).isSameAs(broken);
        assertThat(sent.toByteArray()).isEqualTo("grant".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(body::content).isSameAs(broken);
        assertThat(body.length(29)).as("a failed write has no length to promise").isEqualTo(-1);
    }

    @Test
    void anUncheckedFailureOfTheWriterIsReplayedUnchanged() {
        UncheckedIOException broken = new UncheckedIOException(new IOException("converter failed"));
        WrittenBody body = WrittenBody.write(out -> {
            throw broken;
        }, false, 1000);

        assertThatThrownBy(() -> body.replay(new ByteArrayOutputStream())).isSameAs(broken);
    }
}
