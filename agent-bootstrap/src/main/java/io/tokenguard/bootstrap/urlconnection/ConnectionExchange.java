package io.tokenguard.bootstrap.urlconnection;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.adapter.ClientFailure;
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
import java.util.List;
import java.util.Map;

/**
 * The state shared by {@link GuardedHttpURLConnection} and {@link GuardedHttpsURLConnection}: one per
 * wrapper, single-threaded like the connection it belongs to. Request settings go straight to the JDK's
 * real connection (so its validation applies and a pass-through needs no copying); the body is buffered
 * by a {@link CapturingOutputStream} up to the capture limit; the exchange is resolved once, by the first
 * call that needs the response, through the bootstrap's adapter flow ({@link UrlConnectionExchange});
 * the app then reads a {@link ServedResponse}.
 *
 * <p>Named states. The <em>phase</em> is the wrapper's view of the connection, which the JDK keeps as
 * flags, and only moves forward: {@code NEW} (settings may change), {@code CONNECTING} (connect or
 * getOutputStream began: no more headers or authenticator; the JDK's "connect in progress"),
 * {@code CONNECTED} (a body stream was handed out, or connect returned: no more settings), {@code
 * RESOLVED} (the exchange is decided and answered: no more body). The real connection stays
 * unconnected until the request really goes upstream, so these checks are the wrapper's own.
 * The <em>mode</em> says who answers: {@code UNDECIDED} until the first connect, getOutputStream or
 * response call; {@code GUARDED}, the wrapper answers through the guard; {@code PASS_THROUGH}, every call
 * goes to the real connection, which owns the request and the response and behaves exactly as if
 * TokenGuard were not there (no delegate, a connection's own authenticator, a body over the limit or
 * incomplete, doInput=false, a CookieHandler that fails, a fault in TokenGuard's code before the send).
 * {@code GUARDED} can still become {@code PASS_THROUGH} until the request was sent; {@code PASS_THROUGH}
 * is final.
 */
final class ConnectionExchange {
    enum Phase { NEW, CONNECTING, CONNECTED, RESOLVED }

    enum Mode { UNDECIDED, GUARDED, PASS_THROUGH }

    /** How the app sends the body: the JDK's PosterOutputStream, or one of its streaming modes. */
    enum Upload { BUFFERED, FIXED_LENGTH, CHUNKED }

    /** The fault stage of this adapter: its client's tag. */
    static final String STAGE = HttpClientKind.URLCONNECTION.tag();
    private static final String ALREADY_CONNECTED = "Already connected";

    private final HttpURLConnection real;
    private Phase phase = Phase.NEW;
    private Mode mode = Mode.UNDECIDED;
    /** The delegate the mode was decided with (GUARDED only). */
    private GuardDelegate guard;
    private int captureMax;

    // ---- request settings the wrapper must know itself
    private Upload upload = Upload.BUFFERED;
    private long fixedLength = -1;
    /** A connection's own authenticator answers challenges invisibly to the guard: never guarded. */
    private boolean ownAuthenticator;
    /** Authorization and Proxy-Authorization: the JDK hides them from getRequestProperties(). */
    private final List<String[]> hiddenHeaders = new ArrayList<>(1);

    // ---- the body and the exchange
    private CapturingOutputStream capture;
    /** The real connection was asked to send something: it then needs disconnecting. */
    private boolean realUsed;

    // ---- the outcome (GUARDED and RESOLVED): exactly one of them
    private ServedResponse served;
    private Remembered failure;
    private Throwable clientFailure;

    ConnectionExchange(HttpURLConnection real) {
        this.real = real;
    }

    HttpURLConnection real() {
        return real;
    }

    private boolean guardedAt(Phase atLeast) {
        return mode != Mode.PASS_THROUGH && phase.compareTo(atLeast) >= 0;
    }

    private void advance(Phase to) {
        if (to.compareTo(phase) > 0) {
            phase = to;
        }
    }

    // ---------------------------------------------------------------- phase NEW: request settings

    private void checkConnected() {
        if (guardedAt(Phase.CONNECTED)) {
            throw new IllegalStateException(ALREADY_CONNECTED);
        }
    }

    private void checkConnecting() {
        if (guardedAt(Phase.CONNECTING)) {
            throw new IllegalStateException(ALREADY_CONNECTED);
        }
    }

    void setRequestMethod(String method) throws ProtocolException {
        if (guardedAt(Phase.CONNECTING)) {
            throw new IllegalStateException("connect in progress");
        }
        real.setRequestMethod(method);
    }

    void setRequestProperty(String key, String value) {
        checkConnecting();
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
        checkConnecting();
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
        upload = Upload.FIXED_LENGTH;
        fixedLength = length;
    }

    void setFixedLengthStreamingMode(int length) {
        setFixedLengthStreamingMode((long) length);
    }

    void setChunkedStreamingMode(int chunkLength) {
        if (guardedAt(Phase.CONNECTED)) {
            throw new IllegalStateException("Can't set streaming mode: already connected");
        }
        real.setChunkedStreamingMode(chunkLength);
        upload = Upload.CHUNKED;
    }

    void setAuthenticator(Authenticator authenticator) {
        if (guardedAt(Phase.CONNECTING)) {
            throw new IllegalStateException("Authenticator must be set before connecting");
        }
        real.setAuthenticator(authenticator);
        ownAuthenticator = true;
    }

    /** The headers the app set, the hidden ones included, in the JDK's order. */
    HttpHeaders requestHeaders() {
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

    // ---------------------------------------------------------------- phases CONNECTING, CONNECTED: the body

    /** Decides once whether this exchange can be guarded at all. */
    private void decideMode() {
        if (mode != Mode.UNDECIDED) {
            return;
        }
        try {
            GuardDelegate d = Bridge.delegate();
            if (d == null || ownAuthenticator) {
                mode = Mode.PASS_THROUGH;
            } else {
                captureMax = Math.max(0, d.captureMaxBytes());
                guard = d;
                mode = Mode.GUARDED;
            }
        } catch (Throwable t) {
            Bridge.fault(STAGE, t);
            mode = Mode.PASS_THROUGH;
        }
    }

    /** Lazy: marks the wrapper connected; the real connection connects when the request goes upstream. */
    void connect() throws IOException {
        if (phase.compareTo(Phase.CONNECTED) >= 0) {
            return;
        }
        advance(Phase.CONNECTING);
        decideMode();
        if (mode == Mode.PASS_THROUGH) {
            real.connect();
        }
        advance(Phase.CONNECTED);
    }

    OutputStream getOutputStream() throws IOException {
        advance(Phase.CONNECTING);
        decideMode();
        if (mode == Mode.PASS_THROUGH) {
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
        if (phase == Phase.RESOLVED) {
            throw new ProtocolException("Cannot write output after reading input.");
        }
        if (capture != null) {
            advance(Phase.CONNECTED);
            return capture;
        }
        if (fixedLength > captureMax) {
            // Known in advance not to fit: stream it like the JDK does, unguarded.
            mode = Mode.PASS_THROUGH;
            return passThroughOutput();
        }
        advance(Phase.CONNECTED);
        capture = new CapturingOutputStream(this, captureMax, fixedLength, upload != Upload.BUFFERED);
        return capture;
    }

    private OutputStream passThroughOutput() throws IOException {
        realUsed = true;
        OutputStream out = real.getOutputStream();
        advance(Phase.CONNECTED);
        return out;
    }

    /** Called by the capturing stream when the body outgrows the limit: the real connection takes over. */
    OutputStream overflow(byte[] buffered, int length) throws IOException {
        mode = Mode.PASS_THROUGH;
        realUsed = true;
        OutputStream out = real.getOutputStream();
        out.write(buffered, 0, length);
        return out;
    }

    /** The body as captured; empty without one. */
    byte[] capturedBody() {
        return capture == null ? new byte[0] : capture.toByteArray();
    }

    /** The captured body onto the real connection's stream; with {@code close}, the body is complete. */
    void writeCapturedBody(boolean close) throws IOException {
        if (capture != null) {
            OutputStream out = real.getOutputStream();
            capture.writeTo(out);
            if (close) {
                out.close();
            } else {
                capture.forwardTo(out);
            }
        }
    }

    void realUsed() {
        realUsed = true;
    }

    /**
     * Hands the request to the real connection, body included; from now on it answers everything. If the
     * body cannot be handed over, the exchange fails with that, as the JDK's own write would have.
     */
    void switchToPassThrough() throws IOException {
        mode = Mode.PASS_THROUGH;
        if (capture != null) {
            realUsed = true;
            try {
                writeCapturedBody(false);
            } catch (IOException e) {
                mode = Mode.GUARDED;
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- phase RESOLVED: the exchange

    /**
     * Resolves the exchange once. Returns whether this call did it (the JDK's first getInputStream
     * throws the original exception; later calls throw a chained copy). Synchronized only so that a
     * (contract-breaking) second thread can never send the request twice.
     */
    private synchronized boolean resolve() {
        if (phase == Phase.RESOLVED) {
            return false;
        }
        advance(Phase.RESOLVED);
        decideMode();
        if (mode == Mode.PASS_THROUGH) {
            return true;
        }
        try {
            if (!real.getDoInput() || upload != Upload.BUFFERED && (capture == null || !capture.complete())) {
                // The JDK refuses or fails these by itself: let it.
                switchToPassThrough();
                return true;
            }
        } catch (IOException e) {
            failure = new Remembered(e);
            return true;
        } catch (Throwable t) {
            Bridge.fault(STAGE, t);
            passThroughAfterFault();
            return true;
        }
        try {
            ServedResponse answer = new UrlConnectionExchange(guard, this).run();
            if (answer == ServedResponse.BY_REAL) {
                // Sent already, its response unread: the real connection answers, untouched.
                mode = Mode.PASS_THROUGH;
            } else if (mode == Mode.GUARDED) {
                served = answer;
            }
        } catch (IOException e) {
            failure = new Remembered(e);
        } catch (ClientFailure f) {
            // The real connection's own unchecked failure: thrown again, as the JDK would.
            clientFailure = f.getCause();
        } catch (Throwable t) {
            // Not reached: the flow handles TokenGuard's own faults.
            Bridge.fault(STAGE, t);
            failure = new Remembered(new IOException("TokenGuard failed while reading the response", t));
        }
        return true;
    }

    private void passThroughAfterFault() {
        try {
            switchToPassThrough();
        } catch (IOException e) {
            failure = new Remembered(e);
        }
    }

    private void throwFailure(boolean first) throws IOException {
        if (clientFailure instanceof Error) {
            throw (Error) clientFailure;
        }
        if (clientFailure != null) {
            throw first ? (RuntimeException) clientFailure : new RuntimeException(clientFailure);
        }
        if (failure != null) {
            throw failure.next(first);
        }
    }

    // ---------------------------------------------------------------- the response

    int getResponseCode() throws IOException {
        boolean first = resolve();
        if (mode == Mode.PASS_THROUGH) {
            return real.getResponseCode();
        }
        throwFailure(first);
        return served.status();
    }

    String getResponseMessage() throws IOException {
        boolean first = resolve();
        if (mode == Mode.PASS_THROUGH) {
            return real.getResponseMessage();
        }
        throwFailure(first);
        return served.reason();
    }

    InputStream getInputStream() throws IOException {
        boolean first = resolve();
        if (mode == Mode.PASS_THROUGH) {
            return real.getInputStream();
        }
        throwFailure(first);
        return served.inputStream(first);
    }

    /** Like the JDK: never sends the request; null unless a response with status >= 400 has a body. */
    InputStream getErrorStream() {
        if (mode == Mode.PASS_THROUGH) {
            return real.getErrorStream();
        }
        return served == null ? null : served.errorStream();
    }

    String getHeaderField(String name) {
        resolve();
        if (mode == Mode.PASS_THROUGH) {
            return real.getHeaderField(name);
        }
        return served == null ? null : served.headerField(name);
    }

    String getHeaderFieldKey(int n) {
        resolve();
        if (mode == Mode.PASS_THROUGH) {
            return real.getHeaderFieldKey(n);
        }
        return served == null ? null : served.headerFieldKey(n);
    }

    String getHeaderField(int n) {
        resolve();
        if (mode == Mode.PASS_THROUGH) {
            return real.getHeaderField(n);
        }
        return served == null ? null : served.headerField(n);
    }

    Map<String, List<String>> getHeaderFields() {
        resolve();
        if (mode == Mode.PASS_THROUGH) {
            return real.getHeaderFields();
        }
        return served == null ? Collections.emptyMap() : served.headerFields();
    }

    void disconnect() {
        if (realUsed || mode == Mode.PASS_THROUGH) {
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
