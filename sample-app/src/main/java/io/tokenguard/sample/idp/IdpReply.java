package io.tokenguard.sample.idp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** An answer to send: status, headers in order (repeats allowed), body bytes. */
final class IdpReply {
    static final String JSON = "application/json";

    private final int status;
    private final List<String[]> headers = new ArrayList<>();
    private final byte[] body;

    private IdpReply(int status, byte[] body) {
        this.status = status;
        this.body = body;
    }

    static IdpReply of(int status, String contentType, String body) {
        return new IdpReply(status, body.getBytes(StandardCharsets.UTF_8)).header("Content-Type", contentType);
    }

    static IdpReply json(int status, String body) {
        return of(status, JSON, body);
    }

    IdpReply header(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    int status() {
        return status;
    }

    List<String[]> headers() {
        return Collections.unmodifiableList(headers);
    }

    byte[] body() {
        return body.clone();
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
