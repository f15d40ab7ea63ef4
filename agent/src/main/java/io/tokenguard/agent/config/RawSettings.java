package io.tokenguard.agent.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** Settings as text, each remembering which source set it, merged so that later sources win. */
final class RawSettings {
    static final class Value {
        final String text;
        final String source;

        Value(String text, String source) {
            this.text = text;
            this.source = source;
        }
    }

    private final Map<String, Value> values = new LinkedHashMap<>();

    void put(String key, String text, String source) {
        values.put(key, new Value(text, source));
    }

    void putAll(Map<String, String> entries, String source) {
        entries.forEach((k, v) -> put(k, v, source));
    }

    Value get(String key) {
        return values.get(key);
    }

    Map<String, Value> all() {
        return values;
    }
}
