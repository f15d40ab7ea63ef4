package io.tokenguard.agent.telemetry;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Cardinality guard (tokenguard.metrics.max-tag-values): each tag key of TokenGuard's meters keeps
 * the first N distinct values it sees; any later value is reported as {@code other}, so a storm of
 * users or an odd grant type can never grow the number of series without bound.
 */
final class TagLimiter implements MeterFilter {
    static final String OTHER = "other";

    private final int maxValues;
    private final ConcurrentMap<String, Set<String>> seen = new ConcurrentHashMap<>();

    TagLimiter(int maxValues) {
        this.maxValues = maxValues;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith("tokenguard.")) {
            return id;
        }
        List<Tag> tags = id.getTags();
        List<Tag> limited = new ArrayList<>(tags.size());
        boolean changed = false;
        for (Tag tag : tags) {
            String value = limit(tag.getKey(), tag.getValue());
            changed |= !value.equals(tag.getValue());
            limited.add(value.equals(tag.getValue()) ? tag : Tag.of(tag.getKey(), value));
        }
        return changed ? id.replaceTags(limited) : id;
    }

    /** The value itself while the key has room (or already knows it), else "other". */
    String limit(String key, String value) {
        Set<String> values = seen.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet());
        if (values.contains(value)) {
            return value;
        }
        synchronized (values) {
            if (values.size() < maxValues) {
                values.add(value);
                return value;
            }
        }
        return OTHER;
    }
}
