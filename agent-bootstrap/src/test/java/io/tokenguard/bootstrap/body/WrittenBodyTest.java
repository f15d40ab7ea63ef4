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
    void aBodyWithinTheLimitIsCapturedWholeAndReplayedAsWritten() throws IOException {
        WrittenBody body = WrittenBody.write(out -> out.write(FORM), FORM.length);

        assertThat(body.guardable()).isTrue();
        assertThat(body.bytes()).isEqualTo(FORM);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        body.replay(sent);
        assertThat(sent.toByteArray()).isEqualTo(FORM);
    }

    @Test
    void theBodyIsWrittenOnceWhateverAWriterWouldWriteTheSecondTime() throws IOException {
        AtomicInteger writes = new AtomicInteger();
        WrittenBody body = WrittenBody.write(out -> out.write(("write " + writes.incrementAndGet())
                .getBytes(StandardCharsets.US_ASCII)), 100);

        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        body.replay(sent);
        body.replay(sent);
        assertThat(writes).hasValue(1);
        assertThat(sent.toString(StandardCharsets.US_ASCII)).isEqualTo("write 1write 1");
    }

    @Test
    void aBodyPastTheLimitIsKeptWholeAndReplayedButNotGuarded() throws IOException {
        byte[] large = new byte[100_000];
        large[99_999] = 7;
        WrittenBody body = WrittenBody.write(out -> out.write(large), 10);

        assertThat(body.guardable()).isFalse();
        assertThat(body.size()).isEqualTo(100_000);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        body.replay(sent);
        assertThat(sent.toByteArray()).isEqualTo(large);
    }

    @Test
    void aBodyWhoseWriterFailedReplaysItsBytesThenTheSameFailure() {
        IOException broken = new IOException("the app's stream broke");
        WrittenBody body = WrittenBody.write(out -> {
            out.write(FORM, 0, 5);
            throw broken;
        }, 1000);

        assertThat(body.guardable()).isFalse();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        assertThatThrownBy(() -> body.replay(sent)).isSameAs(broken);
        assertThat(sent.toByteArray()).isEqualTo("grant".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(body::content).isSameAs(broken);
    }

    @Test
    void anUncheckedFailureOfTheWriterIsReplayedUnchanged() {
        UncheckedIOException broken = new UncheckedIOException(new IOException("converter failed"));
        WrittenBody body = WrittenBody.write(out -> {
            throw broken;
        }, 1000);

        assertThatThrownBy(() -> body.replay(new ByteArrayOutputStream())).isSameAs(broken);
    }
}
