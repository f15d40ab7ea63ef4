package io.tokenguard.bootstrap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Immutable, ordered HTTP header list with case-insensitive lookup. Order and the original spelling
 * of names are kept because a synthetic response must look exactly like the upstream one.
 */
public final class HttpHeaders {
    public static final HttpHeaders EMPTY = new HttpHeaders(new String[0]);

    /** Alternating name, value. */
    private final String[] pairs;

    private HttpHeaders(String[] pairs) {
        this.pairs = pairs;
    }

    public int size() {
        return pairs.length / 2;
    }

    public String name(int index) {
        return pairs[index * 2];
    }

    public String value(int index) {
        return pairs[index * 2 + 1];
    }

    /** First value of the header, or null. */
    public String first(String name) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (name.equalsIgnoreCase(pairs[i])) {
                return pairs[i + 1];
            }
        }
        return null;
    }

    /** Last value of the header, or null (HttpURLConnection's getHeaderField(name) answers the last). */
    public String last(String name) {
        for (int i = pairs.length - 2; i >= 0; i -= 2) {
            if (name.equalsIgnoreCase(pairs[i])) {
                return pairs[i + 1];
            }
        }
        return null;
    }

    public List<String> all(String name) {
        List<String> values = new ArrayList<>(2);
        for (int i = 0; i < pairs.length; i += 2) {
            if (name.equalsIgnoreCase(pairs[i])) {
                values.add(pairs[i + 1]);
            }
        }
        return values;
    }

    /** Names in first-seen order (spelling of their first occurrence), values grouped per name. */
    public Map<String, List<String>> toMap() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            String key = null;
            for (String existing : map.keySet()) {
                if (existing.equalsIgnoreCase(pairs[i])) {
                    key = existing;
                    break;
                }
            }
            map.computeIfAbsent(key == null ? pairs[i] : key, k -> new ArrayList<>(1)).add(pairs[i + 1]);
        }
        for (Map.Entry<String, List<String>> e : map.entrySet()) {
            e.setValue(Collections.unmodifiableList(e.getValue()));
        }
        return Collections.unmodifiableMap(map);
    }

    /** A copy with every header of that name removed and one new value appended. */
    public HttpHeaders with(String name, String value) {
        Builder b = new Builder();
        for (int i = 0; i < pairs.length; i += 2) {
            if (!name.equalsIgnoreCase(pairs[i])) {
                b.add(pairs[i], pairs[i + 1]);
            }
        }
        return b.add(name, value).build();
    }

    /** A copy with the value of every header of that name replaced, each where it stood; unchanged when absent. */
    public HttpHeaders replacing(String name, String value) {
        String[] copy = null;
        for (int i = 0; i < pairs.length; i += 2) {
            if (name.equalsIgnoreCase(pairs[i])) {
                copy = copy == null ? pairs.clone() : copy;
                copy[i + 1] = value;
            }
        }
        return copy == null ? this : new HttpHeaders(copy);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds from a JDK-style map (as URLConnection and java.net.http expose them); a null key is skipped. */
    public static HttpHeaders of(Map<String, List<String>> map) {
        Builder b = new Builder();
        if (map != null) {
            for (Map.Entry<String, List<String>> e : map.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    continue;
                }
                for (String v : e.getValue()) {
                    b.add(e.getKey(), v == null ? "" : v);
                }
            }
        }
        return b.build();
    }

    @Override
    public String toString() {
        // Names only: values may carry credentials.
        StringBuilder sb = new StringBuilder("HttpHeaders[");
        for (int i = 0; i < pairs.length; i += 2) {
            sb.append(i == 0 ? "" : ", ").append(pairs[i]);
        }
        return sb.append(']').toString();
    }

    public static final class Builder {
        private final List<String> pairs = new ArrayList<>();

        public Builder add(String name, String value) {
            if (name == null) {
                throw new IllegalArgumentException("header name is null");
            }
            pairs.add(name);
            pairs.add(value == null ? "" : value);
            return this;
        }

        public HttpHeaders build() {
            return pairs.isEmpty() ? EMPTY : new HttpHeaders(pairs.toArray(new String[0]));
        }
    }
}
