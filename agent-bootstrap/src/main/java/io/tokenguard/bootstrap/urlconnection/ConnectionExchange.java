package io.tokenguard.bootstrap.urlconnection;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TestFaults;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.Upstream;
import io.tokenguard.bootstrap.body.BodyPrefix;
import io.tokenguard.bootstrap.body.PrefixedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.URL;
import java.security.Permission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The state and logic shared by {@link GuardedHttpURLConnection} and {@link GuardedHttpsURLConnection}:
 * one per wrapper, single-threaded like the connection it belongs to.
 *
 * <p>Request settings go straight to the JDK's real connection (so its validation applies and a
 * pass-through needs no copying); the wrapper only checks "already connected" itself, because the
 * real connection stays unconnected until the request really goes upstream. The request body is
 * buffered (up to the delegate's capture limit) and the exchange is resolved once, through
 * {@link Bridge#exchange}, by the first call that needs the response. Whenever the exchange is not
 * guardable (no delegate, body too large, an authenticator, doInput=false, an incomplete streamed
 * body, a fault in this code), the wrapper switches to pass-through and every call goes to the real
 * connection, which then behaves exactly as if TokenGuard were not there.
 */
final class ConnectionExchange {
    static final String STAGE = HttpClientKind.URLCONNECTION.tag();
    private static final String ALREADY_CONNECTED = "Already connected";

    private final HttpURLConnection real;

    /** The wrapper's view: set by connect(), getOutputStream() and resolving, like the JDK's flags. */
    private boolean connected;
    private boolean connecting;

    private boolean modeDecided;
    /** Every call goes to the real connection: it owns the request and the response. */
    private boolean passThrough;
    private int captureMax;
    private long bodyWait;

    private long fixedLength = -1;
    private boolean chunked;
    private boolean authenticatorSet;
    /** Authorization and Proxy-Authorization: the JDK hides them from getRequestProperties(). */
    private final List<String[]> hiddenHeaders = new ArrayList<>(1);

    private CapturingOutputStream capture;
    /** True once the real connection was asked to send anything (it then needs disconnecting). */
    private boolean realUsed;

    // Outcome of resolving.
    private boolean resolved;
    private TokenHttpResponse response;
    private String statusLine;
    private Map<String, List<String>> headerFields;
    private InputStream bodyStream;
    /** What the JDK would remember and rethrow: the exchange failure, or the HTTP error of getInputStream. */
    private IOException failure;
    private RuntimeException runtimeFailure;
    private IOException httpError;
    private boolean failureThrown;
    private boolean httpErrorThrown;

    // Replay bookkeeping.
    private boolean replayStarted;
    private TokenHttpResponse replayed;
    private String replayedStatusLine;
    private RuntimeException realRuntimeFailure;
    /** The body broke after status and headers arrived: what had arrived, and how it broke. */
    private TokenHttpResponse partial;
    private IOException bodyFailure;
    /**
     * The real connection's body stream when the replay read only its first part (larger than the
     * capture limit, or slower than the body wait): the app reads the rest from it.
     */
    private InputStream liveBody;

    ConnectionExchange(HttpURLConnection real) {
        this.real = real;
    }

    HttpURLConnection real() {
        return real;
    }

    // ---------------------------------------------------------------- request settings

    private void checkConnected() {
        if (connected && !passThrough) {
            throw new IllegalStateException(ALREADY_CONNECTED);
        }
    }

    private void checkConnectedOrConnecting() {
        if ((connected || connecting) && !passThrough) {
            throw new IllegalStateException(ALREADY_CONNECTED);
        }
    }

    void setRequestMethod(String method) throws ProtocolException {
        if (connecting && !passThrough) {
            throw new IllegalStateException("connect in progress");
        }
        if (connected && !passThrough) {
            throw new ProtocolException("Can't reset method: already connected");
        }
        real.setRequestMethod(method);
    }

    void setRequestProperty(String key, String value) {
        checkConnectedOrConnecting();
        real.setRequestProperty(key, value);
        if (isHidden(key)) {
            for (int i = hiddenHeaders.size() - 1; i >= 0; i--) {
                if (hiddenHeaders.get(i)[0].equalsIgnoreCase(key)) {
                    hiddenHeaders.remove(i);
                }
            }
            hiddenHeaders.add(new String[] {key, value});
        }
    }

    void addRequestProperty(String key, String value) {
        checkConnectedOrConnecting();
        real.addRequestProperty(key, value);
        if (isHidden(key)) {
            hiddenHeaders.add(new String[] {key, value});
        }
    }

    private static boolean isHidden(String key) {
        return "Authorization".equalsIgnoreCase(key) || "Proxy-Authorization".equalsIgnoreCase(key);
    }

    Map<String, List<String>> getRequestProperties() {
        checkConnected();
        return real.getRequestProperties();
    }

    void setDoInput(boolean value) {
        checkConnected();
        real.setDoInput(value);
    }

    void setDoOutput(boolean value) {
        checkConnected();
        real.setDoOutput(value);
    }

    void setAllowUserInteraction(boolean value) {
        checkConnected();
        real.setAllowUserInteraction(value);
    }

    void setUseCaches(boolean value) {
        checkConnected();
        real.setUseCaches(value);
    }

    void setIfModifiedSince(long value) {
        checkConnected();
        real.setIfModifiedSince(value);
    }

    void setFixedLengthStreamingMode(long length) {
        checkConnected();
        real.setFixedLengthStreamingMode(length);
        fixedLength = length;
    }

    void setFixedLengthStreamingMode(int length) {
        checkConnected();
        real.setFixedLengthStreamingMode(length);
        fixedLength = length;
    }

    void setChunkedStreamingMode(int chunkLength) {
        if (connected && !passThrough) {
            throw new IllegalStateException("Can't set streaming mode: already connected");
        }
        real.setChunkedStreamingMode(chunkLength);
        chunked = true;
    }

    void setAuthenticator(Authenticator authenticator) {
        if ((connected || connecting) && !passThrough) {
            throw new IllegalStateException("Authenticator must be set before connecting");
        }
        real.setAuthenticator(authenticator);
        // Credentials supplied on a challenge are invisible to the guard: never guard this exchange.
        authenticatorSet = true;
    }

    // ---------------------------------------------------------------- connecting and the body

    /** Decides once whether this exchange can be guarded at all. */
    private void decideMode() {
        if (modeDecided) {
            return;
        }
        modeDecided = true;
        try {
            GuardDelegate d = Bridge.delegate();
            if (d == null || authenticatorSet) {
                passThrough = true;
            } else {
                captureMax = Math.max(0, d.captureMaxBytes());
                bodyWait = d.bodyWaitMillis();
            }
        } catch (Throwable t) {
            Bridge.fault(STAGE, t);
            passThrough = true;
        }
    }

    /** Lazy: marks the wrapper connected; the real connection connects when the request goes upstream. */
    void connect() throws IOException {
        if (connected) {
            return;
        }
        connecting = true;
        decideMode();
        if (passThrough) {
            real.connect();
        }
        connected = true;
    }

    OutputStream getOutputStream() throws IOException {
        connecting = true;
        decideMode();
        if (passThrough) {
            return passThroughOutput();
        }
        if (!real.getDoOutput()) {
            throw new ProtocolException("cannot write to a URLConnection"
                    + " if doOutput=false - call setDoOutput(true)");
        }
        if ("GET".equals(real.getRequestMethod())) {
            real.setRequestMethod("POST"); // what the JDK does, for backward compatibility
        }
        if ("TRACE".equals(real.getRequestMethod()) && "http".equals(real.getURL().getProtocol())) {
            throw new ProtocolException("HTTP method TRACE doesn't support output");
        }
        if (resolved) {
            throw new ProtocolException("Cannot write output after reading input.");
        }
        if (capture != null) {
            connected = true;
            return capture;
        }
        if (fixedLength > captureMax) {
            // Known in advance not to fit: stream it like the JDK does, unguarded.
            passThrough = true;
            return passThroughOutput();
        }
        connected = true;
        capture = new CapturingOutputStream(this, captureMax, fixedLength, fixedLength >= 0 || chunked);
        return capture;
    }

    private OutputStream passThroughOutput() throws IOException {
        realUsed = true;
        OutputStream out = real.getOutputStream();
        connected = true;
        return out;
    }

    /** Called by the capturing stream when the body outgrows the limit: the real connection takes over. */
    OutputStream overflow(byte[] buffered, int length) throws IOException {
        passThrough = true;
        realUsed = true;
        OutputStream out = real.getOutputStream();
        out.write(buffered, 0, length);
        return out;
    }

    // ---------------------------------------------------------------- resolving the exchange

    /**
     * Resolves the exchange once. Returns whether this call did it (the JDK's first getInputStream
     * throws the original exception; later calls throw a chained copy). Synchronized only so that a
     * (contract-breaking) second thread can never send the request twice.
     */
    private synchronized boolean resolve() {
        if (resolved) {
            return false;
        }
        resolved = true;
        connecting = true;
        decideMode();
        if (passThrough) {
            return true;
        }
        connected = true;
        TokenHttpRequest request;
        try {
            if (!real.getDoInput() || (fixedLength >= 0 || chunked) && (capture == null || !capture.complete())) {
                // The JDK refuses or fails these by itself: let it.
                switchToPassThrough();
                return true;
            }
            byte[] body = capture == null ? new byte[0] : capture.toByteArray();
            HttpHeaders headers;
            try {
                headers = UrlConnectionCredentials.withCookies(real, requestHeaders(), real.getRequestProperties());
            } catch (IOException | RuntimeException e) {
                // The app's CookieHandler failed: the JDK asks it again and fails the request with it, unguarded.
                switchToPassThrough();
                return true;
            }
            request = UrlConnectionCredentials.withSources(real, new TokenHttpRequest(HttpClientKind.URLCONNECTION,
                    real.getRequestMethod(), real.getURL(), headers, body, real.getReadTimeout()));
        } catch (Throwable t) {
            Bridge.fault(STAGE, t);
            switchToPassThrough();
            return true;
        }
        try {
            TokenHttpResponse answer = Bridge.exchange(request, this::replay);
            if (answer == null) {
                throw new IllegalStateException("the guard answered null");
            }
            if (answer.truncated() && !isOwnPrefix(answer)) {
                // Only this connection's own answer can be a prefix: it alone holds the rest.
                throw new IllegalStateException("a truncated answer this connection did not read");
            }
            if (answer.source() == ResponseSource.UPSTREAM) {
                serve(answer);
            } else {
                serveSynthetic(answer);
            }
        } catch (IOException e) {
            if (e == bodyFailure && partial != null) {
                // As without the agent: the status and headers, then the body breaks where it broke.
                serve(partial);
            } else {
                failure = e;
            }
        } catch (RuntimeException e) {
            if (e == realRuntimeFailure) {
                runtimeFailure = e;
            } else {
                recover(STAGE, e);
            }
        } catch (Throwable t) {
            recover(STAGE, t);
        }
        return true;
    }

    /** Serves an answer this connection did not fetch itself (cache, coalesced, local); if that fails, recovers. */
    private void serveSynthetic(TokenHttpResponse answer) {
        try {
            TestFaults.check(TestFaults.SYNTHETIC);
            serve(answer);
        } catch (Throwable t) {
            recover("synthetic", t);
        }
    }

    /**
     * A fault in our own code after the exchange started: fall back to whatever the real connection
     * can give, never sending twice: its own answer if it went upstream, else the real request.
     */
    private void recover(String stage, Throwable t) {
        Bridge.fault(stage, t);
        try {
            if (replayed != null) {
                serve(replayed);
            } else if (!replayStarted) {
                switchToPassThrough();
            } else {
                failure = new IOException("TokenGuard failed while reading the response", t);
            }
        } catch (Throwable again) {
            failure = new IOException("TokenGuard failed while reading the response", again);
        }
    }

    /** Hands the request to the real connection, body included; from now on it answers everything. */
    private void switchToPassThrough() {
        passThrough = true;
        if (capture != null) {
            try {
                realUsed = true;
                OutputStream out = real.getOutputStream();
                capture.writeTo(out);
                capture.forwardTo(out);
            } catch (IOException e) {
                passThrough = false;
                failure = e;
            }
        }
    }

    private HttpHeaders requestHeaders() {
        HttpHeaders.Builder b = HttpHeaders.builder();
        for (Map.Entry<String, List<String>> e : real.getRequestProperties().entrySet()) {
            if (e.getKey() == null || e.getValue() == null || isHidden(e.getKey())) {
                continue;
            }
            for (String v : e.getValue()) {
                b.add(e.getKey(), v);
            }
        }
        for (String[] h : hiddenHeaders) {
            b.add(h[0], h[1]);
        }
        return b.build();
    }

    /** The {@link Upstream} of this exchange: replays the request on the real connection. */
    private TokenHttpResponse replay() throws IOException {
        replayStarted = true;
        realUsed = true;
        try {
            if (capture != null) {
                OutputStream out = real.getOutputStream();
                capture.writeTo(out);
                out.close();
            }
            int status = real.getResponseCode();
            String reason = real.getResponseMessage();
            String line = real.getHeaderField(0);
            HttpHeaders.Builder headers = HttpHeaders.builder();
            for (int i = 1; ; i++) {
                String key = real.getHeaderFieldKey(i);
                String value = real.getHeaderField(i);
                if (key == null && value == null) {
                    break;
                }
                if (key != null) {
                    headers.add(key, value);
                }
            }
            byte[] body;
            boolean truncated = false;
            InputStream in = status < HttpURLConnection.HTTP_BAD_REQUEST ? real.getInputStream() : real.getErrorStream();
            if (in == null) {
                body = new byte[0];
            } else {
                // At most the capture limit, for at most the body wait: the rest streams to the app.
                BodyPrefix prefix = BodyPrefix.read(in, captureMax, BodyPrefix.waitMillis(bodyWait, real.getReadTimeout()));
                body = prefix.bytes();
                if (prefix.failure() != null) {
                    // Reset or read timeout mid-body: remembered so the app meets it on its body read.
                    replayedStatusLine = line;
                    partial = new TokenHttpResponse(status, reason, headers.build(), body, ResponseSource.UPSTREAM);
                    bodyFailure = prefix.failure();
                    closeQuietly(in);
                    throw bodyFailure;
                }
                if (prefix.complete()) {
                    in.close();
                } else {
                    liveBody = in;
                    truncated = true;
                }
            }
            replayedStatusLine = line;
            replayed = new TokenHttpResponse(status, reason, headers.build(), body, ResponseSource.UPSTREAM, truncated);
            return replayed;
        } catch (RuntimeException e) {
            realRuntimeFailure = e;
            throw e;
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the failure that matters is already being thrown
        }
    }

    private void serve(TokenHttpResponse answer) {
        TokenHttpResponse upstream = replayed != null ? replayed : partial;
        if (answer.source() == ResponseSource.UPSTREAM && replayedStatusLine != null
                && upstream != null && answer.status() == upstream.status()) {
            statusLine = replayedStatusLine;
        } else {
            statusLine = "HTTP/1.1 " + answer.status() + (answer.reason() == null ? "" : " " + answer.reason());
        }
        response = answer;
        if (liveBody != null && !answer.truncated()) {
            // Another answer than this connection's own prefix: the rest of its own body is not needed.
            closeQuietly(liveBody);
            liveBody = null;
        }
        if (answer.status() >= HttpURLConnection.HTTP_BAD_REQUEST) {
            String url = real.getURL().toString();
            int code = answer.status();
            httpError = code == HttpURLConnection.HTTP_NOT_FOUND || code == HttpURLConnection.HTTP_GONE
                    ? new FileNotFoundException(url)
                    : new IOException("Server returned HTTP response code: " + code + " for URL: " + url);
        }
    }

    /** The remembered failure: the original the first time, a chained copy of the same type afterwards. */
    private IOException rethrowable(boolean first) {
        if (first && !failureThrown) {
            failureThrown = true;
            return failure;
        }
        return chained(failure);
    }

    private RuntimeException rethrowableRuntime(boolean first) {
        return first ? runtimeFailure : new RuntimeException(runtimeFailure);
    }

    /** Like the JDK's getChainedException: same type, same message, the original as cause. */
    static IOException chained(IOException original) {
        try {
            IOException copy = original.getClass().getConstructor(String.class).newInstance(original.getMessage());
            copy.initCause(original);
            return copy;
        } catch (Throwable ignored) {
            return original;
        }
    }

    // ---------------------------------------------------------------- the response

    int getResponseCode() throws IOException {
        boolean first = resolve();
        if (passThrough) {
            return real.getResponseCode();
        }
        throwFailure(first);
        return response.status();
    }

    String getResponseMessage() throws IOException {
        boolean first = resolve();
        if (passThrough) {
            return real.getResponseMessage();
        }
        throwFailure(first);
        return response.reason();
    }

    private void throwFailure(boolean first) throws IOException {
        if (runtimeFailure != null) {
            throw rethrowableRuntime(first);
        }
        if (failure != null) {
            throw rethrowable(first);
        }
    }

    InputStream getInputStream() throws IOException {
        boolean first = resolve();
        if (passThrough) {
            return real.getInputStream();
        }
        throwFailure(first);
        if (httpError != null) {
            if (!httpErrorThrown && first) {
                httpErrorThrown = true;
                throw httpError;
            }
            throw chained(httpError);
        }
        return body();
    }

    /** Like the JDK: never sends the request; null unless a response with status >= 400 has a body. */
    InputStream getErrorStream() {
        if (passThrough) {
            return real.getErrorStream();
        }
        if (response == null || response.status() < HttpURLConnection.HTTP_BAD_REQUEST
                || response.body().length == 0 && !brokenBody() && !streaming()) {
            return null;
        }
        return body();
    }

    private boolean brokenBody() {
        return response == partial && bodyFailure != null;
    }

    /** The guard handed back this connection's own prefix (as is, or served as UPSTREAM: same bytes). */
    private boolean isOwnPrefix(TokenHttpResponse answer) {
        return liveBody != null && replayed != null && replayed.truncated() && answer.body() == replayed.body();
    }

    /** The answer served is this connection's own prefix: the rest is still on the real connection. */
    private boolean streaming() {
        return liveBody != null && response.truncated();
    }

    private InputStream body() {
        if (bodyStream == null) {
            bodyStream = brokenBody() ? PrefixedInputStream.thenFailing(response.body(), bodyFailure)
                    : streaming() ? PrefixedInputStream.followedBy(response.body(), liveBody)
                    : new ByteArrayInputStream(response.body());
        }
        return bodyStream;
    }

    String getHeaderField(String name) {
        resolve();
        if (passThrough) {
            return real.getHeaderField(name);
        }
        if (response == null) {
            return null;
        }
        // MessageHeader.findValue: the last value; the null key is the status line.
        return name == null ? statusLine : response.headers().last(name);
    }

    String getHeaderFieldKey(int n) {
        resolve();
        if (passThrough) {
            return real.getHeaderFieldKey(n);
        }
        if (response == null || n < 1 || n > response.headers().size()) {
            return null;
        }
        return response.headers().name(n - 1);
    }

    String getHeaderField(int n) {
        resolve();
        if (passThrough) {
            return real.getHeaderField(n);
        }
        if (response == null || n < 0 || n > response.headers().size()) {
            return null;
        }
        return n == 0 ? statusLine : response.headers().value(n - 1);
    }

    /**
     * Like JDK 17's MessageHeader.getHeaders(): a HashMap by exact name, the status line under the
     * null key, and the values of a repeated header in reverse order (newer JDKs keep them in order).
     */
    Map<String, List<String>> getHeaderFields() {
        resolve();
        if (passThrough) {
            return real.getHeaderFields();
        }
        if (response == null) {
            return Collections.emptyMap();
        }
        if (headerFields == null) {
            Map<String, List<String>> map = new HashMap<>();
            map.computeIfAbsent(null, k -> new ArrayList<>(1)).add(statusLine);
            HttpHeaders h = response.headers();
            for (int i = h.size() - 1; i >= 0; i--) {
                map.computeIfAbsent(h.name(i), k -> new ArrayList<>(1)).add(h.value(i));
            }
            for (Map.Entry<String, List<String>> e : map.entrySet()) {
                e.setValue(Collections.unmodifiableList(e.getValue()));
            }
            headerFields = Collections.unmodifiableMap(map);
        }
        return headerFields;
    }

    void disconnect() {
        if (realUsed || passThrough) {
            real.disconnect();
        }
    }

    // ---------------------------------------------------------------- plain delegation

    URL getURL() {
        return real.getURL();
    }

    boolean usingProxy() {
        return real.usingProxy();
    }

    Permission getPermission() throws IOException {
        return real.getPermission();
    }
}
