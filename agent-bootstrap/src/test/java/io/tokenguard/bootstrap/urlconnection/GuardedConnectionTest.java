package io.tokenguard.bootstrap.urlconnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import io.tokenguard.bootstrap.AsyncUpstream;
import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TestFaults;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GuardedConnectionTest {
    private static final String TOKEN_JSON = "{\"access_token\":\"abc\",\"token_type\":\"Bearer\",\"expires_in\":3600}";

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private FakeDelegate delegate;

    /** What the server saw. */
    static final class Received {
        final String method;
        final Map<String, List<String>> headers;
        final byte[] body;

        Received(String method, Map<String, List<String>> headers, byte[] body) {
            this.method = method;
            this.headers = headers;
            this.body = body;
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestMethod(),
                    new TreeMap<>(exchange.getRequestHeaders()), body));
            String path = exchange.getRequestURI().getPath();
            int status = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
            byte[] answer;
            switch (status) {
                case 200:
                    exchange.getResponseHeaders().add("Content-Type", "application/json;charset=UTF-8");
                    exchange.getResponseHeaders().add("Cache-Control", "no-store");
                    exchange.getResponseHeaders().add("X-Multi", "one");
                    exchange.getResponseHeaders().add("X-Multi", "two");
                    exchange.getResponseHeaders().add("Expires", "Thu, 01 Jan 2037 00:00:00 GMT");
                    answer = TOKEN_JSON.getBytes(StandardCharsets.UTF_8);
                    break;
                case 429:
                    exchange.getResponseHeaders().add("Retry-After", "30");
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    answer = "{\"error\":\"slow_down\"}".getBytes(StandardCharsets.UTF_8);
                    break;
                case 204:
                case 403: // an error without a body: the JDK's getErrorStream() is null
                    answer = null;
                    break;
                default:
                    exchange.getResponseHeaders().add("Content-Type", "text/plain");
                    answer = ("error " + status).getBytes(StandardCharsets.UTF_8);
            }
            if (answer == null) {
                exchange.sendResponseHeaders(status, -1);
            } else {
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        server.start();
        delegate = new FakeDelegate();
        Bridge.install(delegate);
    }

    @AfterEach
    void stop() {
        Bridge.install(null);
        server.stop(0);
    }

    private URL url(String path) throws IOException {
        return new URL("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private static HttpURLConnection open(URL url) throws IOException {
        return (HttpURLConnection) url.openConnection();
    }

    private static GuardedHttpURLConnection wrap(URL url) throws IOException {
        return new GuardedHttpURLConnection(open(url));
    }

    private static TokenHttpResponse synthetic(int status, String reason, String body, String... headers) {
        HttpHeaders.Builder b = HttpHeaders.builder();
        for (int i = 0; i < headers.length; i += 2) {
            b.add(headers[i], headers[i + 1]);
        }
        return new TokenHttpResponse(status, reason, b.build(), body.getBytes(StandardCharsets.UTF_8),
                ResponseSource.CACHE);
    }

    // ------------------------------------------------------------------ pass-through fidelity

    /** Everything an app can observe about a response, with the Date header's value blanked out. */
    private static List<Object> observe(HttpURLConnection c) throws IOException {
        List<Object> seen = new ArrayList<>();
        seen.add(c.getErrorStream() == null); // before the response: never sends
        seen.add(c.getResponseCode());
        seen.add(c.getResponseMessage());
        seen.add(c.getHeaderField(0));
        seen.add(c.getHeaderFieldKey(0));
        for (int i = 1; i < 12; i++) {
            String key = c.getHeaderFieldKey(i);
            seen.add(key);
            seen.add("Date".equalsIgnoreCase(key) ? "<date>" : c.getHeaderField(i));
        }
        Map<String, List<String>> fields = new java.util.HashMap<>(c.getHeaderFields());
        fields.replaceAll((k, v) -> "Date".equalsIgnoreCase(k) ? List.of("<date>") : v);
        seen.add(fields);
        seen.add(c.getHeaderFields().containsKey(null));
        seen.add(c.getHeaderField("x-multi"));
        seen.add(c.getHeaderField("no-such-header"));
        seen.add(c.getHeaderField((String) null));
        seen.add(c.getContentType());
        seen.add(c.getContentLength());
        seen.add(c.getContentLengthLong());
        seen.add(c.getContentEncoding());
        seen.add(c.getExpiration());
        seen.add(c.getHeaderFieldInt("Retry-After", -7));
        seen.add(c.getHeaderFieldLong("Content-Length", -7));
        seen.add(c.getHeaderFieldDate("Expires", -7));
        seen.add(c.getDate() > 0);
        Throwable first = catchThrowable(c::getInputStream);
        if (first == null) {
            seen.add(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } else {
            seen.add(first.getClass());
            seen.add(first.getMessage());
            Throwable second = catchThrowable(c::getInputStream);
            seen.add(second.getClass());
            seen.add(second.getMessage());
            seen.add(second.getCause() == first);
        }
        InputStream error = c.getErrorStream();
        seen.add(error == null ? null : new String(error.readAllBytes(), StandardCharsets.UTF_8));
        seen.add(c.getResponseCode());
        c.disconnect();
        return seen;
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 204, 400, 403, 404, 410, 429, 500})
    void passThroughLooksExactlyLikeTheRealConnection(int status) throws IOException {
        URL url = url("/token/" + status);
        List<Object> expected = observe(open(url));
        assertThat(requests.get()).isEqualTo(1);

        List<Object> actual = observe(wrap(url));

        assertThat(actual).isEqualTo(expected);
        assertThat(requests.get()).isEqualTo(2);
        assertThat(delegate.calls.get()).isEqualTo(1);
        assertThat(delegate.faults).isEmpty();
    }

    @Test
    void postBodyReachesTheServerByteIdenticalAndGetBecomesPost() throws IOException {
        byte[] body = new byte[256];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        GuardedHttpURLConnection c = wrap(url("/token/200"));
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/octet-stream");
        c.setRequestProperty("Authorization", "Basic Y2xpZW50OnNlY3JldA==");
        c.addRequestProperty("X-Extra", "1");
        try (OutputStream out = c.getOutputStream()) {
            out.write(body, 0, 100);
            out.write(body[100]);
            out.write(body, 101, 155);
        }
        assertThat(c.getRequestMethod()).isEqualTo("POST");

        assertThat(c.getResponseCode()).isEqualTo(200);

        assertThat(requests.get()).isEqualTo(1);
        Received r = received.get(0);
        assertThat(r.method).isEqualTo("POST");
        assertThat(r.body).isEqualTo(body);
        assertThat(r.headers.get("Authorization")).containsExactly("Basic Y2xpZW50OnNlY3JldA==");
        TokenHttpRequest seen = delegate.lastRequest;
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.url()).isEqualTo(url("/token/200"));
        assertThat(seen.body()).isEqualTo(body);
        // The JDK hides Authorization from getRequestProperties(); the guard must still see it.
        assertThat(c.getRequestProperty("Authorization")).isNull();
        assertThat(seen.headers().first("Authorization")).isEqualTo("Basic Y2xpZW50OnNlY3JldA==");
        assertThat(seen.headers().first("content-type")).isEqualTo("application/octet-stream");
        assertThat(seen.headers().first("X-Extra")).isEqualTo("1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunked", "fixed"})
    void streamingModesAreCapturedAndReplayedInTheSameMode(String mode) throws IOException {
        byte[] body = "grant_type=client_credentials".getBytes(StandardCharsets.US_ASCII);
        GuardedHttpURLConnection c = wrap(url("/token/200"));
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        if (mode.equals("chunked")) {
            c.setChunkedStreamingMode(7);
        } else {
            c.setFixedLengthStreamingMode(body.length);
        }
        OutputStream out = c.getOutputStream();
        out.write(body);
        out.close();

        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(TOKEN_JSON);

        assertThat(delegate.lastRequest.body()).isEqualTo(body);
        Received r = received.get(0);
        assertThat(r.body).isEqualTo(body);
        if (mode.equals("chunked")) {
            assertThat(r.headers.get("Transfer-encoding")).containsExactly("chunked");
        } else {
            assertThat(r.headers.get("Content-length")).containsExactly(String.valueOf(body.length));
        }
    }

    @Test
    void fixedLengthStreamEnforcesTheLengthLikeTheJdk() throws IOException {
        GuardedHttpURLConnection c = wrap(url("/token/200"));
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(3);
        OutputStream out = c.getOutputStream();
        out.write(new byte[2]);
        assertThatThrownBy(() -> out.write(new byte[2])).isInstanceOf(IOException.class)
                .hasMessage("too many bytes written");
        assertThatThrownBy(out::close).isInstanceOf(IOException.class).hasMessage("insufficient data written");
    }

    // ------------------------------------------------------------------ synthetic answers

    @Test
    void syntheticAnswerNeverReachesTheServer() throws IOException {
        delegate.answer = (request, upstream) -> synthetic(200, "OK", TOKEN_JSON,
                "Content-Type", "application/json", "Set-Cookie", "a=1", "Set-Cookie", "b=2",
                TokenHttpResponse.MARKER_HEADER, "cache");
        GuardedHttpURLConnection c = wrap(url("/token/200"));
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.getOutputStream().write("grant_type=password".getBytes(StandardCharsets.US_ASCII));

        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(c.getResponseMessage()).isEqualTo("OK");
        assertThat(c.getHeaderField(0)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(c.getHeaderFieldKey(0)).isNull();
        assertThat(c.getHeaderFieldKey(1)).isEqualTo("Content-Type");
        assertThat(c.getHeaderField(3)).isEqualTo("b=2");
        assertThat(c.getHeaderField(5)).isNull();
        assertThat(c.getHeaderField("set-cookie")).isEqualTo("b=2");
        assertThat(c.getHeaderField("x-tokenguard")).isEqualTo("cache");
        assertThat(c.getContentType()).isEqualTo("application/json");
        assertThat(c.getContentLength()).isEqualTo(-1);
        assertThat(c.getHeaderFields()).containsEntry(null, List.of("HTTP/1.1 200 OK"))
                .containsEntry("Set-Cookie", List.of("b=2", "a=1")); // JDK 17 lists repeated values newest first
        assertThatThrownBy(() -> c.getHeaderFields().put("x", List.of()))
                .isInstanceOf(UnsupportedOperationException.class);
        InputStream in = c.getInputStream();
        assertThat(c.getInputStream()).isSameAs(in);
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(TOKEN_JSON);
        assertThat(c.getErrorStream()).isNull();
        c.disconnect();

        assertThat(requests.get()).isZero();
        assertThat(delegate.lastRequest.body()).isEqualTo("grant_type=password".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void syntheticErrorThrowsTheJdksExceptionsAndKeepsTheErrorBody() throws IOException {
        URL url = url("/token/429");
        delegate.answer = (request, upstream) -> synthetic(429, "Too Many Requests", "{\"error\":\"slow_down\"}",
                "Retry-After", "30");
        GuardedHttpURLConnection c = wrap(url);

        assertThat(c.getResponseCode()).isEqualTo(429);
        assertThat(c.getResponseMessage()).isEqualTo("Too Many Requests");
        assertThat(c.getHeaderFieldInt("Retry-After", 0)).isEqualTo(30);
        Throwable thrown = catchThrowable(c::getInputStream);
        assertThat(thrown).isExactlyInstanceOf(IOException.class)
                .hasMessage("Server returned HTTP response code: 429 for URL: " + url);
        assertThat(new String(c.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"error\":\"slow_down\"}");
        assertThat(requests.get()).isZero();

        delegate.answer = (request, upstream) -> synthetic(404, "Not Found", "");
        GuardedHttpURLConnection notFound = wrap(url);
        assertThatThrownBy(notFound::getInputStream).isExactlyInstanceOf(FileNotFoundException.class)
                .hasMessage(url.toString());
        assertThat(notFound.getResponseCode()).isEqualTo(404);
        assertThat(notFound.getErrorStream()).isNull();

        delegate.answer = (request, upstream) -> synthetic(410, null, "gone");
        GuardedHttpURLConnection gone = wrap(url);
        assertThat(gone.getResponseCode()).isEqualTo(410);
        assertThat(gone.getResponseMessage()).isNull();
        assertThat(gone.getHeaderField(0)).isEqualTo("HTTP/1.1 410");
        Throwable goneError = catchThrowable(gone::getInputStream);
        assertThat(goneError).isExactlyInstanceOf(FileNotFoundException.class);
        // Resolved by getResponseCode: like the JDK, getInputStream then throws a chained copy.
        assertThat(goneError.getCause()).isExactlyInstanceOf(FileNotFoundException.class);
        assertThat(requests.get()).isZero();
    }

    @Test
    void connectIsLazySoALocalAnswerWorksWhenTheProviderIsDown() throws IOException {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        delegate.answer = (request, upstream) -> synthetic(200, "OK", TOKEN_JSON);
        GuardedHttpURLConnection c = wrap(new URL("http://127.0.0.1:" + deadPort + "/token"));
        c.connect();
        c.connect();
        assertThatThrownBy(() -> c.setRequestProperty("A", "b")).isInstanceOf(IllegalStateException.class)
                .hasMessage("Already connected");

        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(TOKEN_JSON);
    }

    // ------------------------------------------------------------------ unguarded paths

    @Test
    void bodyOverTheCaptureLimitPassesThroughWithoutTheGuard() throws IOException {
        delegate.captureMax = 8;
        byte[] body = "grant_type=client_credentials&scope=a+b+c".getBytes(StandardCharsets.US_ASCII);
        GuardedHttpURLConnection c = wrap(url("/token/200"));
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
            out.write(body, 0, 5);
            out.write(body, 5, body.length - 5);
        }

        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(TOKEN_JSON);
        assertThat(delegate.calls.get()).isZero();
        assertThat(received).hasSize(1);
        assertThat(received.get(0).body).isEqualTo(body);
    }

    @Test
    void aFixedLengthOverTheLimitStreamsStraightToTheServer() throws IOException {
        delegate.captureMax = 4;
        GuardedHttpURLConnection c = wrap(url("/token/200"));
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(10);
        try (OutputStream out = c.getOutputStream()) {
            out.write("0123456789".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(delegate.calls.get()).isZero();
        assertThat(received.get(0).body).isEqualTo("0123456789".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void anIOExceptionFromTheGuardIsRememberedLikeTheJdkDoes() throws IOException {
        java.net.SocketTimeoutException timeout = new java.net.SocketTimeoutException("waited too long");
        delegate.answer = (request, upstream) -> {
            throw timeout;
        };
        GuardedHttpURLConnection c = wrap(url("/token/200"));
        assertThat(c.getHeaderField("Content-Type")).isNull();
        Throwable fromCode = catchThrowable(c::getResponseCode);
        assertThat(fromCode).isExactlyInstanceOf(java.net.SocketTimeoutException.class)
                .hasMessage("waited too long").hasCause(timeout);
        assertThat(delegate.calls.get()).isEqualTo(1);
        assertThat(requests.get()).isZero();
    }

    @Test
    void noDelegateMeansTheRealConnectionDoesEverything() throws IOException {
        Bridge.install(null);
        GuardedHttpURLConnection c = wrap(url("/token/200"));
        c.setDoOutput(true);
        c.getOutputStream().write('x');
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(received.get(0).body).containsExactly('x');
    }

    @Test
    void connectionRefusedSurfacesWithTheSameTypeAsTheRealConnection() throws IOException {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        URL url = new URL("http://127.0.0.1:" + deadPort + "/token");
        Throwable expected = catchThrowable(() -> open(url).getResponseCode());
        assertThat(expected).isInstanceOf(ConnectException.class);

        GuardedHttpURLConnection c = wrap(url);
        c.connect(); // lazy: no exception here
        Throwable first = catchThrowable(c::getResponseCode);
        assertThat(first).isExactlyInstanceOf(expected.getClass()).hasMessage(expected.getMessage());
        Throwable second = catchThrowable(c::getInputStream);
        assertThat(second).isExactlyInstanceOf(expected.getClass()).hasCause(first);
        assertThat(c.getHeaderField(0)).isNull();
        assertThat(c.getHeaderFields()).isEmpty();
        assertThat(c.getErrorStream()).isNull();
    }

    @Test
    void aBrokenGuardStillSendsTheRequestExactlyOnce() throws IOException {
        delegate.answer = (request, upstream) -> {
            throw new IllegalStateException("guard bug");
        };
        GuardedHttpURLConnection c = wrap(url("/token/200"));
        c.setDoOutput(true);
        c.getOutputStream().write("a=b".getBytes(StandardCharsets.US_ASCII));

        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(TOKEN_JSON);
        assertThat(requests.get()).isEqualTo(1);
        assertThat(delegate.faults).containsExactly("exchange");
    }

    @Test
    void aGuardThatSendsAndThenBreaksDoesNotSendTwice() throws IOException {
        delegate.answer = (request, upstream) -> {
            upstream.send();
            throw new IllegalStateException("guard bug after send");
        };
        GuardedHttpURLConnection c = wrap(url("/token/500"));
        assertThat(c.getResponseCode()).isEqualTo(500);
        assertThat(new String(c.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("error 500");
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void aFaultBuildingACachedAnswerSendsTheRealRequestInstead() throws IOException {
        delegate.answer = (request, upstream) -> synthetic(200, "OK", "{\"access_token\":\"cached\"}");
        TestFaults.arm(TestFaults.SYNTHETIC);
        try {
            for (int i = 0; i < 2; i++) { // a RuntimeException, then a LinkageError
                GuardedHttpURLConnection c = wrap(url("/token/429"));
                c.setDoOutput(true);
                c.getOutputStream().write("a=b".getBytes(StandardCharsets.US_ASCII));
                assertThat(c.getResponseCode()).isEqualTo(429);
                assertThat(new String(c.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("{\"error\":\"slow_down\"}");
            }
        } finally {
            TestFaults.arm(0);
        }
        assertThat(requests.get()).isEqualTo(2);
        assertThat(received).allSatisfy(r -> assertThat(new String(r.body, StandardCharsets.US_ASCII)).isEqualTo("a=b"));
        assertThat(delegate.faults).containsExactly("synthetic", "synthetic");
    }

    @Test
    void aFaultBuildingAnAnswerNeverResendsARequestThatWentUpstream() throws IOException {
        delegate.answer = (request, upstream) -> upstream.send().servedAs(ResponseSource.COALESCED);
        TestFaults.arm(TestFaults.SYNTHETIC);
        try {
            GuardedHttpURLConnection c = wrap(url("/token/200"));
            assertThat(c.getResponseCode()).isEqualTo(200);
            assertThat(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(TOKEN_JSON);
        } finally {
            TestFaults.arm(0);
        }
        assertThat(requests.get()).isEqualTo(1);
        assertThat(delegate.faults).containsExactly("synthetic");
    }

    @Test
    void aGuardAnsweringNullFallsBackToTheUpstreamAnswer() throws IOException {
        delegate.answer = (request, upstream) -> {
            upstream.send();
            return null;
        };
        GuardedHttpURLConnection c = wrap(url("/token/200"));
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(requests.get()).isEqualTo(1);
        assertThat(delegate.faults).containsExactly(ConnectionExchange.STAGE);
    }

    @Test
    void anAuthenticatorMakesTheExchangeUnguarded() throws IOException {
        GuardedHttpURLConnection c = wrap(url("/token/200"));
        c.setAuthenticator(new java.net.Authenticator() {
        });
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(delegate.calls.get()).isZero();
        assertThat(requests.get()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ request-side checks

    @Test
    void getOutputStreamWithoutDoOutputThrowsTheJdksProtocolException() throws IOException {
        Throwable expected = catchThrowable(() -> open(url("/token/200")).getOutputStream());
        assertThat(expected).isExactlyInstanceOf(ProtocolException.class);

        GuardedHttpURLConnection c = wrap(url("/token/200"));
        assertThatThrownBy(c::getOutputStream).isExactlyInstanceOf(ProtocolException.class)
                .hasMessage(expected.getMessage());
        assertThat(requests.get()).isZero();
    }

    @Test
    void settersAfterConnectFailLikeTheJdk() throws IOException {
        HttpURLConnection real = open(url("/token/200"));
        real.connect();
        GuardedHttpURLConnection c = wrap(url("/token/200"));
        c.connect();

        List<ThrowingRunnable> setters = new ArrayList<>();
        setters.add(() -> c.setRequestProperty("A", "b"));
        setters.add(() -> c.addRequestProperty("A", "b"));
        setters.add(() -> c.getRequestProperties());
        setters.add(() -> c.setDoOutput(true));
        setters.add(() -> c.setDoInput(true));
        setters.add(() -> c.setUseCaches(false));
        setters.add(() -> c.setIfModifiedSince(1));
        setters.add(() -> c.setAllowUserInteraction(true));
        setters.add(() -> c.setRequestMethod("POST"));
        setters.add(() -> c.setFixedLengthStreamingMode(3));
        setters.add(() -> c.setFixedLengthStreamingMode(3L));
        setters.add(() -> c.setChunkedStreamingMode(3));
        setters.add(() -> c.setAuthenticator(new java.net.Authenticator() {
        }));
        List<ThrowingRunnable> realSetters = new ArrayList<>();
        realSetters.add(() -> real.setRequestProperty("A", "b"));
        realSetters.add(() -> real.addRequestProperty("A", "b"));
        realSetters.add(() -> real.getRequestProperties());
        realSetters.add(() -> real.setDoOutput(true));
        realSetters.add(() -> real.setDoInput(true));
        realSetters.add(() -> real.setUseCaches(false));
        realSetters.add(() -> real.setIfModifiedSince(1));
        realSetters.add(() -> real.setAllowUserInteraction(true));
        realSetters.add(() -> real.setRequestMethod("POST"));
        realSetters.add(() -> real.setFixedLengthStreamingMode(3));
        realSetters.add(() -> real.setFixedLengthStreamingMode(3L));
        realSetters.add(() -> real.setChunkedStreamingMode(3));
        realSetters.add(() -> real.setAuthenticator(new java.net.Authenticator() {
        }));
        for (int i = 0; i < setters.size(); i++) {
            Throwable expected = catchThrowable(realSetters.get(i)::run);
            assertThat(expected).as("setter %d on the real connection", i).isNotNull();
            assertThat(catchThrowable(setters.get(i)::run)).as("setter %d", i)
                    .isExactlyInstanceOf(expected.getClass()).hasMessage(expected.getMessage());
        }
        real.disconnect();
        assertThat(requests.get()).isZero();
    }

    @Test
    void plainSettersAndGettersReachTheRealConnection() throws IOException {
        HttpURLConnection real = open(url("/token/200"));
        GuardedHttpURLConnection c = new GuardedHttpURLConnection(real);
        c.setConnectTimeout(1234);
        c.setReadTimeout(4321);
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setIfModifiedSince(99);
        c.setRequestMethod("PUT");
        c.setRequestProperty("Accept", "application/json");
        assertThat(real.getConnectTimeout()).isEqualTo(1234);
        assertThat(c.getReadTimeout()).isEqualTo(4321);
        assertThat(c.getInstanceFollowRedirects()).isFalse();
        assertThat(c.getUseCaches()).isFalse();
        assertThat(c.getIfModifiedSince()).isEqualTo(99);
        assertThat(c.getRequestMethod()).isEqualTo("PUT");
        assertThat(c.getRequestProperty("accept")).isEqualTo("application/json");
        assertThat(c.getRequestProperties()).isEqualTo(real.getRequestProperties());
        assertThat(c.getURL()).isEqualTo(real.getURL());
        assertThat(c.toString()).isEqualTo(real.toString());
        assertThat(c.getPermission()).isEqualTo(real.getPermission());
        assertThat(c.getErrorStream()).isNull();
        assertThat(c).isInstanceOf(GuardedConnection.class);

        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(delegate.lastRequest.timeoutMillis()).isEqualTo(4321);
        assertThat(received.get(0).method).isEqualTo("PUT");
    }

    // ------------------------------------------------------------------ https and the bridge

    @Test
    void httpsWrapperIsAnHttpsConnectionDelegatingTlsDetails() throws IOException {
        URL url = new URL("https://127.0.0.1:" + server.getAddress().getPort() + "/token/200");
        HttpsURLConnection real = (HttpsURLConnection) url.openConnection();
        GuardedHttpsURLConnection c = new GuardedHttpsURLConnection(real);

        assertThat(c).isInstanceOf(HttpsURLConnection.class).isInstanceOf(GuardedConnection.class);
        javax.net.ssl.HostnameVerifier verifier = (host, session) -> true;
        c.setHostnameVerifier(verifier);
        assertThat(real.getHostnameVerifier()).isSameAs(verifier);
        assertThat(c.getHostnameVerifier()).isSameAs(verifier);
        assertThat(c.getSSLSocketFactory()).isSameAs(real.getSSLSocketFactory());
        assertThat(c.getURL()).isEqualTo(url);
        assertThat(c.toString()).isEqualTo(real.toString());
        Throwable expected = catchThrowable(real::getCipherSuite);
        assertThat(catchThrowable(c::getCipherSuite)).isExactlyInstanceOf(expected.getClass());

        delegate.answer = (request, upstream) -> synthetic(200, "OK", TOKEN_JSON);
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(delegate.lastRequest.url()).isEqualTo(url);
        assertThat(requests.get()).isZero();
    }

    @Test
    void bridgeWrapsOnlyTokenEndpoints() throws IOException {
        delegate.tokenPathPrefix = "/token";
        URL token = url("/token/200");
        URL other = url("/other/200");
        URLConnection wrapped = UrlConnectionAdapter.wrap(token, token.openConnection());
        assertThat(wrapped).isInstanceOf(GuardedHttpURLConnection.class);
        assertThat(UrlConnectionAdapter.wrap(token, wrapped)).isSameAs(wrapped);
        URLConnection plain = other.openConnection();
        assertThat(UrlConnectionAdapter.wrap(other, plain)).isSameAs(plain);

        URL https = new URL("https://127.0.0.1:1/token");
        assertThat(UrlConnectionAdapter.wrap(https, https.openConnection())).isInstanceOf(GuardedHttpsURLConnection.class);

        Bridge.install(null);
        URLConnection unguarded = token.openConnection();
        assertThat(UrlConnectionAdapter.wrap(token, unguarded)).isSameAs(unguarded);
    }

    // ------------------------------------------------------------------ helpers

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @FunctionalInterface
    interface Answer {
        TokenHttpResponse answer(TokenHttpRequest request, Upstream upstream) throws IOException;
    }

    static final class FakeDelegate implements GuardDelegate {
        volatile int captureMax = 64 * 1024;
        volatile String tokenPathPrefix = "/";
        volatile Answer answer = (request, upstream) -> upstream.send();
        final AtomicInteger calls = new AtomicInteger();
        final List<String> faults = Collections.synchronizedList(new ArrayList<>());
        volatile TokenHttpRequest lastRequest;

        @Override
        public boolean isTokenEndpoint(String scheme, String host, int port, String path) {
            return path.startsWith(tokenPathPrefix);
        }

        @Override
        public int captureMaxBytes() {
            return captureMax;
        }

        @Override
        public TokenHttpResponse exchange(TokenHttpRequest request, Upstream upstream) throws IOException {
            calls.incrementAndGet();
            lastRequest = request;
            return answer.answer(request, upstream);
        }

        @Override
        public java.util.concurrent.CompletableFuture<TokenHttpResponse> exchangeAsync(TokenHttpRequest request,
                                                                                      AsyncUpstream upstream) {
            return upstream.send();
        }

        @Override
        public void fault(String stage, Throwable error) {
            faults.add(stage);
        }
    }
}
