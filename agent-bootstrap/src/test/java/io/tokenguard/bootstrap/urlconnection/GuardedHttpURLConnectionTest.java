package io.tokenguard.bootstrap.urlconnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GuardedHttpURLConnectionTest {
    private LoopbackServer server;
    private final List<TokenHttpRequest> seen = new ArrayList<>();
    private final AtomicInteger faults = new AtomicInteger();

    /** A guard that answers synthetically when told to, else sends upstream. */
    private class FakeGuard implements GuardDelegate {
        volatile TokenHttpResponse synthetic;
        volatile RuntimeException breakWith;
        final int limit;

        FakeGuard(int limit) {
            this.limit = limit;
        }

        @Override
        public boolean isTokenEndpoint(String scheme, String host, int port, String path) {
            return true;
        }

        @Override
        public int captureMaxBytes() {
            return limit;
        }

        @Override
        public TokenHttpResponse exchange(TokenHttpRequest request, Upstream upstream) throws IOException {
            seen.add(request);
            if (breakWith != null) {
                upstream.send();
                throw breakWith;
            }
            return synthetic != null ? synthetic : upstream.send();
        }

        @Override
        public java.util.concurrent.CompletableFuture<TokenHttpResponse> exchangeAsync(TokenHttpRequest request,
                                                                                      AsyncUpstream upstream) {
            return upstream.send();
        }

        @Override
        public void fault(String stage, Throwable error) {
            faults.incrementAndGet();
        }
    }

    private FakeGuard guard;

    @BeforeEach
    void start() throws IOException {
        server = new LoopbackServer();
        guard = new FakeGuard(1024);
        Bridge.install(guard);
    }

    @AfterEach
    void stop() {
        Bridge.install(null);
        server.close();
    }

    private static String read(InputStream in) throws IOException {
        return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private HttpURLConnection guarded(URL url) throws IOException {
        URLConnectionHolder h = new URLConnectionHolder(url);
        HttpURLConnection c = (HttpURLConnection) UrlConnectionAdapter.wrap(url, h.real);
        assertThat(c).isInstanceOf(GuardedConnection.class);
        return c;
    }

    private static final class URLConnectionHolder {
        final HttpURLConnection real;

        URLConnectionHolder(URL url) throws IOException {
            real = (HttpURLConnection) url.openConnection();
        }
    }

    /** Everything an app can observe of a finished exchange, as text. */
    private static String observe(HttpURLConnection c) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(c.getResponseCode()).append(' ').append(c.getResponseMessage()).append('\n');
        sb.append("0=").append(c.getHeaderField(0)).append('\n');
        sb.append("type=").append(c.getContentType()).append(" length=").append(c.getContentLengthLong()).append('\n');
        sb.append("multi=").append(c.getHeaderField("x-multi")).append(" all=")
                .append(c.getHeaderFields().get("X-multi")).append('\n');
        try {
            sb.append("in=").append(read(c.getInputStream()));
        } catch (IOException e) {
            sb.append("in threw ").append(e.getClass().getName()).append(": ").append(e.getMessage());
        }
        sb.append("\nerr=").append(read(c.getErrorStream()));
        return sb.toString();
    }

    /** What an app reads of a body that breaks: the bytes that arrived, then the failure's type. */
    private static String readUntilBroken(HttpURLConnection c) throws IOException {
        StringBuilder sb = new StringBuilder().append(c.getResponseCode()).append(' ')
                .append(c.getContentType()).append(" in=");
        InputStream in = c.getResponseCode() >= 400 ? c.getErrorStream() : c.getInputStream();
        try {
            for (int b = in.read(); b >= 0; b = in.read()) {
                sb.append((char) b);
            }
        } catch (IOException e) {
            sb.append(" threw ").append(e.getClass().getName());
        }
        return sb.toString();
    }

    /**
     * A body reset mid-way (or timed out) fails where it fails without the agent: on the app's body
     * read, after the bytes that had arrived, not at getResponseCode().
     */
    @ParameterizedTest
    @ValueSource(ints = {200, 500})
    void aBodyThatBreaksMidWayBreaksOnTheAppsBodyRead(int status) throws Exception {
        try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread idp = new Thread(() -> {
                for (int i = 0; i < 2; i++) {
                    try (java.net.Socket s = raw.accept()) {
                        InputStream in = s.getInputStream();
                        byte[] head = new byte[4];
                        while (!new String(head, StandardCharsets.ISO_8859_1).equals("\r\n\r\n")) {
                            System.arraycopy(head, 1, head, 0, 3);
                            head[3] = (byte) in.read();
                        }
                        s.getOutputStream().write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 100\r\n\r\n{\"access_").getBytes(StandardCharsets.ISO_8859_1));
                        s.getOutputStream().flush();
                        s.setSoLinger(true, 0);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            idp.setDaemon(true);
            idp.start();
            URL url = new URL("http://127.0.0.1:" + raw.getLocalPort() + "/token");
            String plain = readUntilBroken((HttpURLConnection) url.openConnection());
            String wrapped = readUntilBroken(guarded(url));

            assertThat(plain).isEqualTo(status + " application/json in={\"access_ threw java.net.SocketException");
            assertThat(wrapped).isEqualTo(plain);
            assertThat(seen).hasSize(1);
            assertThat(faults).hasValue(0);
            idp.join();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 400, 404, 429, 500})
    void passThroughLooksExactlyLikeTheJdk(int status) throws IOException {
        URL url = server.url("/status/" + status);
        String plain = observe((HttpURLConnection) url.openConnection());
        String wrapped = observe(guarded(url));
        assertThat(wrapped).isEqualTo(plain);
        assertThat(server.requests).hasValue(2);
    }

    @Test
    void postBodyAndBasicAuthReachTheServerAndTheGuard() throws IOException {
        HttpURLConnection c = guarded(server.url("/token"));
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Authorization", "Basic YTpi");
        c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        try (OutputStream out = c.getOutputStream()) {
            out.write("grant_type=client_credentials".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(server.bodies).containsExactly("grant_type=client_credentials");
        assertThat(server.authorizations).containsExactly("Basic YTpi");
        // The JDK hides Authorization from getRequestProperties(); the guard must still see it.
        assertThat(seen).singleElement().satisfies(r -> {
            assertThat(r.headers().first("authorization")).isEqualTo("Basic YTpi");
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("grant_type=client_credentials");
            assertThat(r.method()).isEqualTo("POST");
        });
    }

    @Test
    void aSyntheticAnswerNeverTouchesTheServer() throws IOException {
        guard.synthetic = new TokenHttpResponse(200, "OK", HttpHeaders.builder().add("Content-Type", "application/json")
                .add("X-Multi", "a").add("X-Multi", "b").add("X-TokenGuard", "cache").build(),
                "{\"access_token\":\"t\"}".getBytes(StandardCharsets.UTF_8), ResponseSource.CACHE);
        HttpURLConnection c = guarded(server.url("/token"));
        c.setDoOutput(true);
        c.getOutputStream().write("x=1".getBytes(StandardCharsets.UTF_8));

        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(c.getRequestMethod()).isEqualTo("POST");
        assertThat(c.getHeaderField(0)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(c.getHeaderField("x-multi")).isEqualTo("b");
        assertThat(c.getHeaderFieldKey(1)).isEqualTo("Content-Type");
        Map<String, List<String>> fields = c.getHeaderFields();
        assertThat(fields.get(null)).containsExactly("HTTP/1.1 200 OK");
        assertThat(fields.get("X-Multi")).containsExactly("b", "a");
        assertThat(c.getContentType()).isEqualTo("application/json");
        assertThat(read(c.getInputStream())).isEqualTo("{\"access_token\":\"t\"}");
        assertThat(c.getErrorStream()).isNull();
        assertThat(server.requests).hasValue(0);
    }

    @Test
    void aSyntheticErrorThrowsLikeTheJdkAndOffersTheErrorStream() throws IOException {
        guard.synthetic = new TokenHttpResponse(429, "Too Many Requests",
                HttpHeaders.builder().add("Retry-After", "60").build(),
                "{\"error\":\"too_many_requests\"}".getBytes(StandardCharsets.UTF_8), ResponseSource.LOCAL_THROTTLE);
        URL url = server.url("/token");
        HttpURLConnection c = guarded(url);
        assertThat(c.getResponseCode()).isEqualTo(429);
        assertThat(c.getHeaderFieldInt("Retry-After", -1)).isEqualTo(60);
        assertThatThrownBy(c::getInputStream).isExactlyInstanceOf(IOException.class)
                .hasMessage("Server returned HTTP response code: 429 for URL: " + url);
        assertThat(read(c.getErrorStream())).isEqualTo("{\"error\":\"too_many_requests\"}");

        guard.synthetic = new TokenHttpResponse(404, "Not Found", null, new byte[0], ResponseSource.CACHE);
        HttpURLConnection missing = guarded(url);
        assertThatThrownBy(missing::getInputStream).isExactlyInstanceOf(FileNotFoundException.class)
                .hasMessage(url.toString());
        assertThat(missing.getErrorStream()).isNull();
        assertThat(server.requests).hasValue(0);
    }

    @Test
    void connectIsLazySoACachedAnswerWorksWithoutTheProvider() throws IOException {
        URL unreachable = new URL("http://127.0.0.1:1/token");
        guard.synthetic = new TokenHttpResponse(200, "OK", null, "ok".getBytes(StandardCharsets.UTF_8),
                ResponseSource.CACHE);
        HttpURLConnection c = guarded(unreachable);
        c.connect();
        assertThat(read(c.getInputStream())).isEqualTo("ok");
    }

    @Test
    void connectionFailuresSurfaceWithTheJdksType() throws IOException {
        HttpURLConnection c = guarded(new URL("http://127.0.0.1:1/token"));
        assertThatThrownBy(c::getResponseCode).isInstanceOf(ConnectException.class);
        assertThatThrownBy(c::getInputStream).isInstanceOf(ConnectException.class);
        assertThat(c.getHeaderField("Content-Type")).isNull();
        assertThat(c.getErrorStream()).isNull();
    }

    @Test
    void aBodyOverTheCaptureLimitPassesThroughUnguarded() throws IOException {
        Bridge.install(new FakeGuard(8));
        HttpURLConnection c = guarded(server.url("/token"));
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
            out.write("0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(server.bodies).containsExactly("0123456789abcdef");
        assertThat(seen).isEmpty();
    }

    @Test
    void aBrokenGuardStillSendsTheRequestExactlyOnce() throws IOException {
        guard.breakWith = new IllegalStateException("guard bug");
        HttpURLConnection c = guarded(server.url("/token"));
        c.setDoOutput(true);
        c.getOutputStream().write("a=b".getBytes(StandardCharsets.UTF_8));
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(read(c.getInputStream())).contains("/token");
        assertThat(server.requests).hasValue(1);
        assertThat(faults).hasValue(1);
    }

    @Test
    void writingWithoutDoOutputFailsLikeTheJdk() throws IOException {
        HttpURLConnection c = guarded(server.url("/token"));
        assertThatThrownBy(c::getOutputStream).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("doOutput=false");
    }

    @Test
    void nonTokenUrlsAndNonHttpConnectionsAreLeftAlone() throws IOException {
        Bridge.install(new FakeGuard(1024) {
            @Override
            public boolean isTokenEndpoint(String scheme, String host, int port, String path) {
                return false;
            }
        });
        URL url = server.url("/api");
        java.net.URLConnection real = url.openConnection();
        assertThat(UrlConnectionAdapter.wrap(url, real)).isSameAs(real);
        Bridge.install(null);
        assertThat(UrlConnectionAdapter.wrap(url, real)).isSameAs(real);
    }

    @Test
    void httpsConnectionsGetTheHttpsWrapper() throws IOException {
        URL url = new URL("https://127.0.0.1:1/token");
        java.net.URLConnection wrapped = UrlConnectionAdapter.wrap(url, url.openConnection());
        assertThat(wrapped).isInstanceOf(HttpsURLConnection.class).isInstanceOf(GuardedConnection.class);
        ((HttpsURLConnection) wrapped).setConnectTimeout(1234);
        assertThat(wrapped.getConnectTimeout()).isEqualTo(1234);
        assertThat(wrapped.toString()).contains("https://127.0.0.1:1/token");
    }

    @Test
    void headerValuesNeverAppearInToString() {
        HttpHeaders h = HttpHeaders.builder().add("Authorization", "Basic c2VjcmV0").build();
        assertThat(h.toString()).contains("Authorization").doesNotContain("c2VjcmV0");
    }
}
