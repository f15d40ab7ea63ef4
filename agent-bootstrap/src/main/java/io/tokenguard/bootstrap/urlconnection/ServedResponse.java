package io.tokenguard.bootstrap.urlconnection;

import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.body.PrefixedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The response phase of a guarded HttpURLConnection: the answer the app reads, as the JDK's connection
 * would present it. Its body is the answer's bytes; or this connection's own prefix followed by the live
 * rest (<em>streaming</em>); or what arrived followed by the failure it broke with (<em>broken</em>).
 */
final class ServedResponse {
    /**
     * Stands for "the real connection answers": its response could not be read for the guard (a fault
     * in TokenGuard's code after the send), so the app reads the real connection's own, untouched.
     */
    static final ServedResponse BY_REAL = new ServedResponse();

    private final TokenHttpResponse response;
    private final String statusLine;
    /** The real connection's body stream, the rest still unread on it; null unless streaming. */
    private final InputStream live;
    private final IOException bodyFailure;
    /** What getInputStream throws for a status of 400 or more, as the JDK does; null below. */
    private final Remembered httpError;
    private Map<String, List<String>> headerFields;
    private InputStream bodyStream;

    private ServedResponse(TokenHttpResponse response, String statusLine, InputStream live, IOException bodyFailure,
                           String url) {
        this.response = response;
        this.statusLine = statusLine;
        this.live = live;
        this.bodyFailure = bodyFailure;
        int code = response.status();
        this.httpError = code < HttpURLConnection.HTTP_BAD_REQUEST ? null : new Remembered(
                code == HttpURLConnection.HTTP_NOT_FOUND || code == HttpURLConnection.HTTP_GONE
                        ? new FileNotFoundException(url)
                        : new IOException("Server returned HTTP response code: " + code + " for URL: " + url));
    }

    private ServedResponse() {
        response = null;
        statusLine = null;
        live = null;
        bodyFailure = null;
        httpError = null;
    }

    /** This connection's own answer, whole; its status line as the server sent it. */
    static ServedResponse whole(TokenHttpResponse response, String statusLine, String url) {
        return new ServedResponse(response, statusLine, null, null, url);
    }

    /** This connection's own prefix, the rest still on the real connection's stream. */
    static ServedResponse streaming(TokenHttpResponse prefix, String statusLine, InputStream live, String url) {
        return new ServedResponse(prefix, statusLine, live, null, url);
    }

    /** What arrived of this connection's own answer before its body broke with {@code failure}. */
    static ServedResponse broken(TokenHttpResponse arrived, String statusLine, IOException failure, String url) {
        return new ServedResponse(arrived, statusLine, null, failure, url);
    }

    /** An answer this connection did not fetch itself: a status line made like the JDK's. */
    static ServedResponse synthetic(TokenHttpResponse answer, String url) {
        return new ServedResponse(answer, "HTTP/1.1 " + answer.status() + (answer.reason() == null ? ""
                : " " + answer.reason()), null, null, url);
    }

    /** The rest of this connection's own body is not needed: another answer is served. */
    void release() {
        if (live != null) {
            try {
                live.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    int status() {
        return response.status();
    }

    String reason() {
        return response.reason();
    }

    InputStream inputStream(boolean first) throws IOException {
        if (httpError != null) {
            throw httpError.next(first);
        }
        return body();
    }

    /** Like the JDK: null unless the status is 400 or more and there is a body. */
    InputStream errorStream() {
        if (response.status() < HttpURLConnection.HTTP_BAD_REQUEST
                || response.body().length == 0 && bodyFailure == null && live == null) {
            return null;
        }
        return body();
    }

    private InputStream body() {
        if (bodyStream == null) {
            bodyStream = bodyFailure != null ? PrefixedInputStream.thenFailing(response.body(), bodyFailure)
                    : live != null ? PrefixedInputStream.followedBy(response.body(), live)
                    : new ByteArrayInputStream(response.body());
        }
        return bodyStream;
    }

    /** MessageHeader.findValue: the last value; the null key is the status line. */
    String headerField(String name) {
        return name == null ? statusLine : response.headers().last(name);
    }

    String headerFieldKey(int n) {
        return n < 1 || n > response.headers().size() ? null : response.headers().name(n - 1);
    }

    String headerField(int n) {
        if (n < 0 || n > response.headers().size()) {
            return null;
        }
        return n == 0 ? statusLine : response.headers().value(n - 1);
    }

    /**
     * Like JDK 17's MessageHeader.getHeaders(): a HashMap by exact name, the status line under the
     * null key, and the values of a repeated header in reverse order (newer JDKs keep them in order).
     */
    Map<String, List<String>> headerFields() {
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
}
