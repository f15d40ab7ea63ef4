package io.tokenguard.bootstrap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.util.List;
import java.util.Map;

/**
 * The state and logic shared by both connection wrappers: buffer the request, run it through the
 * guard once, then answer every accessor from the result. Per-connection state lives here because
 * retransformed JDK classes cannot gain fields.
 *
 * <p>Three ways to answer: DIRECT (not guarded: body too large, or no guard installed; the real
 * connection answers everything), OWN_UPSTREAM (the guard sent this very request: headers from the
 * real connection, body from the bytes read for the guard) and SYNTHETIC (cache, coalesced or a
 * local answer, built from the {@link TokenHttpResponse}).
 */
final class ConnectionExchange {
    private enum Mode { PENDING, DIRECT, OWN_UPSTREAM, SYNTHETIC, FAILED }

    private final HttpURLConnection real;
    private final RequestHeaderLog requestHeaders = new RequestHeaderLog();
    private final int captureLimit;
    private Mode mode = Mode.PENDING;
    private CapturingOutputStream body;
    private boolean connected;
    private boolean upstreamSent;
    private TokenHttpResponse response;
    private SyntheticHeaderView synthetic;
    private IOException failure;
    private InputStream responseStream;

    ConnectionExchange(HttpURLConnection real) {
        this.real = real;
        GuardDelegate d = Bridge.delegate();
        this.captureLimit = d == null ? -1 : d.captureMaxBytes();
        if (captureLimit < 0) {
            mode = Mode.DIRECT;
        }
    }

    HttpURLConnection real() {
        return real;
    }

    synchronized boolean isDirect() {
        return mode == Mode.DIRECT;
    }

    // ---- request side ----

    synchronized void setRequestProperty(String key, String value) {
        checkNotConnected();
        real.setRequestProperty(key, value);
        requestHeaders.set(key, value);
    }

    synchronized void addRequestProperty(String key, String value) {
        checkNotConnected();
        real.addRequestProperty(key, value);
        requestHeaders.add(key, value);
    }

    synchronized void setRequestMethod(String method) throws ProtocolException {
        if (connected && mode != Mode.DIRECT) {
            throw new ProtocolException("Can't reset method: already connected");
        }
        real.setRequestMethod(method);
    }

    private void checkNotConnected() {
        if (connected && mode != Mode.DIRECT) {
            throw new IllegalStateException("Already connected");
        }
    }

    /** Lazy: the socket is opened only if the request really goes upstream. */
    synchronized void connect() throws IOException {
        if (mode == Mode.DIRECT) {
            real.connect();
        }
        connected = true;
    }

    synchronized OutputStream outputStream() throws IOException {
        if (mode == Mode.DIRECT) {
            return real.getOutputStream();
        }
        if (!real.getDoOutput()) {
            throw new ProtocolException("cannot write to a URLConnection if doOutput=false - call setDoOutput(true)");
        }
        if (mode != Mode.PENDING) {
            throw new ProtocolException("Cannot write output after reading input.");
        }
        if ("GET".equals(real.getRequestMethod())) {
            // What the JDK does, for backward compatibility.
            real.setRequestMethod("POST");
        }
        connected = true;
        if (body == null) {
            body = new CapturingOutputStream(captureLimit, this::spill);
        }
        return body;
    }

    /** The body outgrew the capture limit: from now on this is a plain, unguarded connection. */
    private OutputStream spill() throws IOException {
        synchronized (this) {
            mode = Mode.DIRECT;
        }
        return real.getOutputStream();
    }

    // ---- response side ----

    /** Runs the exchange once; afterwards the mode says who answers. */
    synchronized void resolve() throws IOException {
        if (mode == Mode.FAILED) {
            throw copy(failure);
        }
        if (mode != Mode.PENDING) {
            return;
        }
        connected = true;
        TokenHttpRequest request;
        try {
            request = new TokenHttpRequest(real.getRequestMethod(), real.getURL(), requestHeaders.toHeaders(),
                    body == null ? null : body.bytes(), real.getReadTimeout());
        } catch (Throwable t) {
            Bridge.fault("urlconnection", t);
            goDirect();
            return;
        }
        try {
            TokenHttpResponse r = Bridge.exchange(request, this::sendUpstream);
            response = r;
            if (upstreamSent && r.source() == ResponseSource.UPSTREAM) {
                mode = Mode.OWN_UPSTREAM;
            } else {
                synthetic = new SyntheticHeaderView(r);
                mode = Mode.SYNTHETIC;
            }
        } catch (IOException e) {
            failure = e;
            mode = Mode.FAILED;
            throw e;
        } catch (Throwable t) {
            Bridge.fault("urlconnection", t);
            if (!upstreamSent) {
                goDirect();
            } else {
                throw new IOException("TokenGuard failed after sending the request", t);
            }
        }
    }

    /** Fail-open fallback before anything was sent: replay the buffered body, then the JDK answers. */
    private void goDirect() throws IOException {
        mode = Mode.DIRECT;
        writeBufferedBody();
    }

    private void writeBufferedBody() throws IOException {
        if (body != null) {
            try (OutputStream out = real.getOutputStream()) {
                out.write(body.bytes());
            }
        }
    }

    /** The Upstream for this connection: the original request, sent on the real connection. */
    private TokenHttpResponse sendUpstream() throws IOException {
        upstreamSent = true;
        writeBufferedBody();
        int status = real.getResponseCode();
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
        InputStream in = status >= 400 ? real.getErrorStream() : real.getInputStream();
        byte[] bytes = in == null ? new byte[0] : readAll(in);
        return new TokenHttpResponse(status, real.getResponseMessage(), headers.build(), bytes, ResponseSource.UPSTREAM);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (InputStream stream = in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = stream.read(buf)) != -1) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    synchronized int responseCode() throws IOException {
        resolve();
        return mode == Mode.DIRECT ? real.getResponseCode() : response.status();
    }

    synchronized String responseMessage() throws IOException {
        resolve();
        return mode == Mode.DIRECT ? real.getResponseMessage() : response.reason();
    }

    synchronized String headerField(String name) {
        if (!resolvedQuietly()) {
            return null;
        }
        return mode == Mode.SYNTHETIC ? synthetic.field(name) : real.getHeaderField(name);
    }

    synchronized String headerField(int n) {
        if (!resolvedQuietly()) {
            return null;
        }
        return mode == Mode.SYNTHETIC ? synthetic.field(n) : real.getHeaderField(n);
    }

    synchronized String headerFieldKey(int n) {
        if (!resolvedQuietly()) {
            return null;
        }
        return mode == Mode.SYNTHETIC ? synthetic.key(n) : real.getHeaderFieldKey(n);
    }

    synchronized Map<String, List<String>> headerFields() {
        if (!resolvedQuietly()) {
            return java.util.Collections.emptyMap();
        }
        return mode == Mode.SYNTHETIC ? synthetic.fields() : real.getHeaderFields();
    }

    /** Header accessors never throw, like the JDK's: a failed exchange has no headers. */
    private boolean resolvedQuietly() {
        try {
            resolve();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    synchronized InputStream inputStream() throws IOException {
        resolve();
        if (mode == Mode.DIRECT) {
            return real.getInputStream();
        }
        int status = response.status();
        if (status >= 400) {
            // The JDK's exact exception types and messages.
            if (status == 404 || status == 410) {
                throw new FileNotFoundException(real.getURL().toString());
            }
            throw new IOException("Server returned HTTP response code: " + status + " for URL: " + real.getURL());
        }
        if (responseStream == null) {
            responseStream = new ByteArrayInputStream(response.body());
        }
        return responseStream;
    }

    synchronized InputStream errorStream() {
        if (mode == Mode.DIRECT) {
            return real.getErrorStream();
        }
        if (mode != Mode.OWN_UPSTREAM && mode != Mode.SYNTHETIC) {
            return null;
        }
        if (response.status() < 400 || response.body().length == 0) {
            return null;
        }
        if (responseStream == null) {
            responseStream = new ByteArrayInputStream(response.body());
        }
        return responseStream;
    }

    synchronized void disconnect() {
        real.disconnect();
    }

    private static IOException copy(IOException original) {
        IOException e = new IOException(original.getMessage(), original);
        return original.getClass() == IOException.class ? e : original;
    }
}
