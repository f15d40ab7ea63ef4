package io.tokenguard.sample.idp;

import com.sun.net.httpserver.Headers;
import java.nio.charset.StandardCharsets;

/** What an endpoint needs from a request, detached from HttpExchange so endpoints stay plain functions. */
final class IdpRequest {
    private final String method;
    private final String path;
    private final String rawQuery;
    private final Headers headers;
    private final byte[] body;

    IdpRequest(String method, String path, String rawQuery, Headers headers, byte[] body) {
        this.method = method;
        this.path = path;
        this.rawQuery = rawQuery;
        this.headers = headers;
        this.body = body;
    }

    String method() {
        return method;
    }

    String path() {
        return path;
    }

    /** The query as sent, without the leading '?', or null. */
    String rawQuery() {
        return rawQuery;
    }

    /** First value of a header, case-insensitive, or null. */
    String header(String name) {
        return headers.getFirst(name);
    }

    byte[] body() {
        return body;
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
