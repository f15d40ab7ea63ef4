package io.tokenguard.bootstrap;

import java.util.ArrayList;
import java.util.List;

/**
 * The request headers as the app set them. Needed because the JDK's getRequestProperties() and
 * getRequestProperty("Authorization") deliberately hide Authorization, and client credentials in a
 * Basic header are part of a request's identity.
 */
final class RequestHeaderLog {
    private final List<String[]> headers = new ArrayList<>();

    synchronized void set(String key, String value) {
        if (key == null) {
            return;
        }
        headers.removeIf(h -> h[0].equalsIgnoreCase(key));
        headers.add(new String[] {key, value});
    }

    synchronized void add(String key, String value) {
        if (key != null) {
            headers.add(new String[] {key, value});
        }
    }

    synchronized HttpHeaders toHeaders() {
        HttpHeaders.Builder b = HttpHeaders.builder();
        for (String[] h : headers) {
            b.add(h[0], h[1]);
        }
        return b.build();
    }
}
