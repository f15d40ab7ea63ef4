package io.tokenguard.agent.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Names of settings: the global ones are declared in {@link Setting}; what is neither is an unknown key. */
final class ConfigKeys {
    static final String PREFIX = "tokenguard.";
    /** The endpoint keys' prefix (also the key of the list of ids in force: {@link Setting#ENDPOINTS}). */
    static final String ENDPOINTS = "tokenguard.endpoints";
    /** Stage names of tokenguard.test.fail-stage, as io.tokenguard.bootstrap.TestFaults knows them (not loadable yet when settings are read). */
    static final List<String> TEST_STAGES = Collections.unmodifiableList(Arrays.asList("match", "parse", "cache",
            "throttle", "telemetry", "synthetic"));

    /** Endpoint properties, longest first so that env-name matching takes the longest suffix. */
    static final List<String> ENDPOINT_PROPERTIES = endpointProperties();

    private static final Pattern ENDPOINT_KEY =
            Pattern.compile("tokenguard\\.endpoints\\.([a-z0-9_-]+)\\.([a-z-]+)(?:\\.(\\d+))?");

    private ConfigKeys() {
    }

    /** [id, property, index or null] of an endpoint key, or null when the key is not one. */
    static String[] endpointKey(String key) {
        Matcher m = ENDPOINT_KEY.matcher(key);
        if (!m.matches() || !ENDPOINT_PROPERTIES.contains(m.group(2))
                || (m.group(3) != null && !m.group(2).equals("url"))) {
            return null;
        }
        return new String[] {m.group(1), m.group(2), m.group(3)};
    }

    private static List<String> endpointProperties() {
        List<String> names = new ArrayList<>();
        for (EndpointSetting s : EndpointSetting.values()) {
            names.add(s.property);
        }
        // Longest first, by hand: a comparator lambda would be one more class to spin up in premain.
        for (int i = 1; i < names.size(); i++) {
            for (int j = i; j > 0 && names.get(j).length() > names.get(j - 1).length(); j--) {
                names.set(j, names.set(j - 1, names.get(j)));
            }
        }
        return Collections.unmodifiableList(names);
    }

    /** The global setting of this key, or null. */
    static Setting global(String key) {
        for (Setting s : Setting.values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }

    static boolean known(String key) {
        return global(key) != null || endpointKey(key) != null;
    }
}
