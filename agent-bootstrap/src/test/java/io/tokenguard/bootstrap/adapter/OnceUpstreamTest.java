package io.tokenguard.bootstrap.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OnceUpstreamTest {
    @Test
    void everyKindOfOutcomeIsReplayedNotResent() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        OnceUpstream error = new OnceUpstream(() -> {
            calls.incrementAndGet();
            throw new StackOverflowError("deep");
        });
        assertThatThrownBy(error::send).isInstanceOf(StackOverflowError.class);
        assertThatThrownBy(error::send).isInstanceOf(StackOverflowError.class);

        OnceUpstream io = new OnceUpstream(() -> {
            calls.incrementAndGet();
            throw new IOException("reset");
        });
        assertThatThrownBy(io::send).isInstanceOf(IOException.class);
        assertThatThrownBy(io::send).hasMessage("reset");

        TokenHttpResponse ok = new TokenHttpResponse(200, "OK", null, null, ResponseSource.UPSTREAM);
        OnceUpstream answer = new OnceUpstream(() -> {
            calls.incrementAndGet();
            return ok;
        });
        assertThat(answer.send()).isSameAs(ok);
        assertThat(answer.send()).isSameAs(ok);
        assertThat(calls).hasValue(3);
    }

    @Test
    void aGuardThatBreaksAfterAnErrorDoesNotHideIt() {
        Bridge.install(new GuardDelegate() {
            @Override
            public boolean isTokenEndpoint(String scheme, String host, int port, String path) {
                return true;
            }

            @Override
            public int captureMaxBytes() {
                return 1024;
            }

            @Override
            public TokenHttpResponse exchange(TokenHttpRequest request, Upstream upstream) throws IOException {
                try {
                    upstream.send();
                } catch (Error e) {
                    throw new IllegalStateException("guard mishandled it");
                }
                return null;
            }

            @Override
            public java.util.concurrent.CompletableFuture<TokenHttpResponse> exchangeAsync(TokenHttpRequest request,
                                                                                          AsyncUpstream upstream) {
                return upstream.send();
            }

            @Override
            public void fault(String stage, Throwable error) {
            }
        });
        try {
            assertThatThrownBy(() -> Bridge.exchange(null, () -> {
                throw new OutOfMemoryError("simulated");
            })).isInstanceOf(OutOfMemoryError.class);
        } finally {
            Bridge.install(null);
        }
    }
}
