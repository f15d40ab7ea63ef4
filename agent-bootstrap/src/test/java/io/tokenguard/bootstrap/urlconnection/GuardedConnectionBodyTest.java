package io.tokenguard.bootstrap.urlconnection;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Answers larger than the capture limit, or slower than the body wait, through the HttpURLConnection
 * wrapper (issue 10 §7): the guard gets a truncated prefix, the app the status at once and then the
 * whole body, prefix and live rest, byte for byte; one request at the IdP.
 */
class GuardedConnectionBodyTest {
    private static final int LIMIT = 1024;

    /** Sends upstream and keeps what the adapter handed the guard. */
    private static class RecordingGuard implements GuardDelegate {
        final List<TokenHttpResponse> answers = new CopyOnWriteArrayList<>();
        final AtomicInteger faults = new AtomicInteger();
        final long bodyWait;

        RecordingGuard(long bodyWait) {
            this.bodyWait = bodyWait;
        }

        @Override
        public boolean isTokenEndpoint(String scheme, String host, int port, String path) {
            return true;
        }

        @Override
        public int captureMaxBytes() {
            return LIMIT;
        }

        @Override
        public long bodyWaitMillis() {
            return bodyWait;
        }

        @Override
        public TokenHttpResponse exchange(TokenHttpRequest request, Upstream upstream) throws IOException {
            TokenHttpResponse r = upstream.send();
            answers.add(r);
            return r;
        }

        @Override
        public CompletableFuture<TokenHttpResponse> exchangeAsync(TokenHttpRequest request, AsyncUpstream upstream) {
            return upstream.send();
        }

        @Override
        public void fault(String stage, Throwable error) {
            faults.incrementAndGet();
        }
    }

    private RecordingGuard guard;
    private SlowBodyServer idp;

    @BeforeEach
    void install() {
        guard = new RecordingGuard(60_000);
        Bridge.install(guard);
    }

    @AfterEach
    void stop() throws IOException {
        Bridge.install(null);
        if (idp != null) {
            idp.close();
        }
    }

    private static HttpURLConnection post(URL url, boolean guarded) throws IOException {
        return post(url, guarded, 10_000);
    }

    private static HttpURLConnection post(URL url, boolean guarded, int readTimeout) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        if (guarded) {
            c = (HttpURLConnection) UrlConnectionAdapter.wrap(url, c);
            assertThat(c).isInstanceOf(GuardedConnection.class);
        }
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setReadTimeout(readTimeout);
        try (OutputStream out = c.getOutputStream()) {
            out.write("grant_type=client_credentials".getBytes(StandardCharsets.UTF_8));
        }
        return c;
    }

    /**
     * The IdP sends the head and the first part, then waits until the app has its status: proof that
     * the status did not wait for the body.
     */
    @ParameterizedTest
    @ValueSource(ints = {200, 500})
    void aBodyLargerThanTheLimitReachesTheAppWholeWhileTheStatusComesFirst(int status) throws Exception {
        byte[] body = SlowBodyServer.body(300_000);
        CountDownLatch statusSeen = new CountDownLatch(1);
        idp = new SlowBodyServer((out, self) -> {
            out.write(SlowBodyServer.head(status, "Content-Type: application/json", "Content-Length: " + body.length));
            out.write(body, 0, 100_000);
            out.flush();
            SlowBodyServer.await(statusSeen);
            out.write(body, 100_000, body.length - 100_000);
        });
        HttpURLConnection c = post(idp.url("/token"), true);
        assertThat(c.getResponseCode()).isEqualTo(status);
        statusSeen.countDown();
        assertThat(c.getContentLengthLong()).isEqualTo(body.length);
        InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
        assertThat(in.readAllBytes()).isEqualTo(body);
        in.close();

        assertThat(guard.answers).hasSize(1);
        TokenHttpResponse answer = guard.answers.get(0);
        assertThat(answer.truncated()).isTrue();
        assertThat(answer.body()).isEqualTo(Arrays.copyOf(body, LIMIT + 1));
        assertThat(idp.requests).hasValue(1);
        assertThat(guard.faults).hasValue(0);
    }

    @Test
    void aBodyWithinBothBoundsIsStillReadWhole() throws Exception {
        byte[] body = SlowBodyServer.body(LIMIT);
        idp = new SlowBodyServer((out, self) -> {
            out.write(SlowBodyServer.head(200, "Content-Length: " + body.length));
            out.write(body);
        });
        HttpURLConnection c = post(idp.url("/token"), true);
        assertThat(c.getInputStream().readAllBytes()).isEqualTo(body);
        assertThat(guard.answers.get(0).truncated()).isFalse();
        assertThat(guard.answers.get(0).body()).isEqualTo(body);
    }

    /** One byte every 50 ms until the app has its status: the status comes after the body wait, not the body. */
    @Test
    void aDrippingBodyHoldsTheStatusOnlyForTheBodyWait() throws Exception {
        guard = new RecordingGuard(200);
        Bridge.install(guard);
        CountDownLatch statusSeen = new CountDownLatch(1);
        byte[] tail = SlowBodyServer.body(20);
        idp = new SlowBodyServer((out, self) -> {
            out.write(SlowBodyServer.head(200, "Transfer-Encoding: chunked"));
            // At most 10 s of drips: a guard that waits for the whole body sees the end only then.
            for (int drips = 0; drips < 200 && !statusSeen.await(50, TimeUnit.MILLISECONDS); drips++) {
                out.write("1\r\n.\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            out.write((Integer.toHexString(tail.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(tail);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        });
        HttpURLConnection c = post(idp.url("/token"), true);
        long start = System.nanoTime();
        assertThat(c.getResponseCode()).isEqualTo(200);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        statusSeen.countDown();
        byte[] read = c.getInputStream().readAllBytes();

        assertThat(tookMillis).isLessThan(5_000);
        String text = new String(read, StandardCharsets.ISO_8859_1);
        assertThat(text).matches("\\.+" + new String(tail, StandardCharsets.ISO_8859_1));
        TokenHttpResponse answer = guard.answers.get(0);
        assertThat(answer.truncated()).isTrue();
        assertThat(read).startsWith(answer.body());
    }

    /** An endless answer: the app reads a first part and disconnects, which releases the connection. */
    @Test
    void anEndlessBodyStreamsUntilTheAppDisconnects() throws Exception {
        byte[] chunk = SlowBodyServer.body(4096);
        idp = new SlowBodyServer((out, self) -> {
            out.write(SlowBodyServer.head(200, "Transfer-Encoding: chunked"));
            for (;;) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        });
        HttpURLConnection c = post(idp.url("/token"), true);
        assertThat(c.getResponseCode()).isEqualTo(200);
        byte[] first = c.getInputStream().readNBytes(3 * chunk.length);
        assertThat(first).isEqualTo(concat(chunk, chunk, chunk));
        c.disconnect();
        assertThat(idp.clientWentAway.await(30, TimeUnit.SECONDS)).as("the IdP saw the connection closed").isTrue();
        assertThat(guard.answers.get(0).truncated()).isTrue();
    }

    /**
     * A body that stalls after the prefix was handed over times out on the app's read, after every
     * byte that arrived, as without the agent.
     */
    @Test
    void aStallAfterThePrefixTimesOutOnTheAppsBodyRead() throws Exception {
        byte[] body = SlowBodyServer.body(50_000);
        idp = new SlowBodyServer((out, self) -> {
            out.write(SlowBodyServer.head(200, "Content-Length: 100000"));
            out.write(body);
            out.flush();
            self.hang();
        });
        String plain = readUntilBroken(post(idp.url("/token"), false, 700));
        String guarded = readUntilBroken(post(idp.url("/token"), true, 700));
        assertThat(plain).isEqualTo("200 50000 then java.net.SocketTimeoutException");
        assertThat(guarded).isEqualTo(plain);
        assertThat(guard.answers).hasSize(1);
        assertThat(guard.answers.get(0).truncated()).isTrue();
    }

    private static String readUntilBroken(HttpURLConnection c) throws IOException {
        int status = c.getResponseCode();
        InputStream in = c.getInputStream();
        byte[] b = new byte[8192];
        long read = 0;
        try {
            for (int n = in.read(b); n >= 0; n = in.read(b)) {
                read += n;
            }
            return status + " " + read + " complete";
        } catch (IOException e) {
            return status + " " + read + " then " + e.getClass().getName();
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void aTruncatedAnswerThatIsNotTheConnectionsOwnIsAFaultAndTheOwnAnswerIsServed() throws Exception {
        byte[] body = SlowBodyServer.body(5000);
        idp = new SlowBodyServer((out, self) -> {
            out.write(SlowBodyServer.head(200, "Content-Length: " + body.length));
            out.write(body);
        });
        Bridge.install(new RecordingGuard(60_000) {
            @Override
            public TokenHttpResponse exchange(TokenHttpRequest request, Upstream upstream) throws IOException {
                upstream.send();
                return new TokenHttpResponse(200, "OK", HttpHeaders.EMPTY, new byte[1], ResponseSource.CACHE, true);
            }

            @Override
            public void fault(String stage, Throwable error) {
                guard.faults.incrementAndGet();
            }
        });
        HttpURLConnection c = post(idp.url("/token"), true);
        assertThat(c.getInputStream().readAllBytes()).isEqualTo(body);
        assertThat(guard.faults).hasValue(1);
    }
}
