package io.tokenguard.bootstrap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Header accessors of HttpURLConnection answered from a {@link TokenHttpResponse}, with the JDK's
 * semantics (sun.net.www.MessageHeader): by-name lookups return the last value, index 0 is the
 * status line, and getHeaderFields() lists each name's values last-first under a null status key.
 */
final class SyntheticHeaderView {
    private final TokenHttpResponse response;
    private final String statusLine;

    SyntheticHeaderView(TokenHttpResponse response) {
        this.response = response;
        this.statusLine = "HTTP/1.1 " + response.status() + (response.reason() == null ? "" : " " + response.reason());
    }

    String field(String name) {
        return name == null ? statusLine : response.headers().last(name);
    }

    String field(int n) {
        if (n == 0) {
            return statusLine;
        }
        return n > 0 && n <= response.headers().size() ? response.headers().value(n - 1) : null;
    }

    String key(int n) {
        return n > 0 && n <= response.headers().size() ? response.headers().name(n - 1) : null;
    }

    Map<String, List<String>> fields() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        map.put(null, Collections.singletonList(statusLine));
        HttpHeaders h = response.headers();
        for (int i = h.size() - 1; i >= 0; i--) {
            String existing = null;
            for (String k : map.keySet()) {
                if (k != null && k.equalsIgnoreCase(h.name(i))) {
                    existing = k;
                    break;
                }
            }
            map.computeIfAbsent(existing == null ? h.name(i) : existing, k -> new ArrayList<>(1)).add(h.value(i));
        }
        for (Map.Entry<String, List<String>> e : map.entrySet()) {
            e.setValue(Collections.unmodifiableList(e.getValue()));
        }
        return Collections.unmodifiableMap(map);
    }
}
