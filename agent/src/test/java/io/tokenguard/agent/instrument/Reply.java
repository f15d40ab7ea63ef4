package io.tokenguard.agent.instrument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** What the app saw of one request: status, headers, body, the client's own response object; or its failure. */
public final class Reply {
    public final int status;
    public final List<String> headers;
    public final String body;
    public final Object response;
    /** The exception's class name, or null. */
    public final String failure;
    public final String message;

    private Reply(int status, List<String> headers, String body, Object response, Throwable failure) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.response = response;
        this.failure = failure == null ? null : failure.getClass().getName();
        this.message = failure == null ? null : failure.getMessage();
    }

    /**
     * @param headers name, value, name, value...: kept as "name: value" lines with lower-cased names, in
     *                order, without Date (which differs between any two answers)
     */
    public static Reply of(int status, List<String> headers, String body, Object response) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            String name = headers.get(i).toLowerCase(Locale.ROOT);
            if (!name.equals("date")) {
                lines.add(name + ": " + headers.get(i + 1));
            }
        }
        return new Reply(status, Collections.unmodifiableList(lines), body, response, null);
    }

    public static Reply failed(Throwable failure) {
        return new Reply(-1, Collections.emptyList(), null, null, failure);
    }

    /** The X-TokenGuard marker, or null. */
    public String marker() {
        for (String h : headers) {
            if (h.startsWith("x-tokenguard: ")) {
                return h.substring("x-tokenguard: ".length());
            }
        }
        return null;
    }

    /** Everything the app can compare: the same request to the same server must give an equal view. */
    public String view() {
        return failure != null ? failure + ": " + message : status + " " + headers + " " + body;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reply && view().equals(((Reply) o).view());
    }

    @Override
    public int hashCode() {
        return Objects.hash(view());
    }

    @Override
    public String toString() {
        return view();
    }
}
