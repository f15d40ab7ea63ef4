package io.tokenguard.agent.config;

import java.util.Locale;

/**
 * TOKENGUARD_* environment variables: dots and dashes become underscores. Static keys are found by
 * comparing normalized names; endpoint keys are TOKENGUARD_ENDPOINTS_&lt;ID&gt;_&lt;PROPERTY&gt;, the
 * longest known property suffix winning, and the id lower-cased (so ids with dashes cannot be set
 * from the environment).
 */
final class EnvironmentNames {
    static final String PREFIX = "TOKENGUARD_";

    private EnvironmentNames() {
    }

    /** The setting key this variable stands for, or null when it names no known setting. */
    static String toKey(String variable) {
        if (!variable.startsWith(PREFIX)) {
            return null;
        }
        String name = variable.toLowerCase(Locale.ROOT);
        for (Setting s : Setting.values()) {
            if (normalize(s.key).equals(name)) {
                return s.key;
            }
        }
        String endpointsPrefix = normalize(ConfigKeys.ENDPOINTS) + "_";
        if (!name.startsWith(endpointsPrefix)) {
            return null;
        }
        String rest = name.substring(endpointsPrefix.length());
        for (String property : ConfigKeys.ENDPOINT_PROPERTIES) {
            String suffix = "_" + normalize(property);
            String index = null;
            String candidate = rest;
            if (property.equals("url")) {
                int last = rest.lastIndexOf('_');
                if (last > 0 && rest.substring(last + 1).matches("\\d+") && rest.substring(0, last).endsWith(suffix)) {
                    index = rest.substring(last + 1);
                    candidate = rest.substring(0, last);
                }
            }
            if (candidate.endsWith(suffix) && candidate.length() > suffix.length()) {
                String id = candidate.substring(0, candidate.length() - suffix.length());
                return ConfigKeys.ENDPOINTS + "." + id + "." + property + (index == null ? "" : "." + index);
            }
        }
        return null;
    }

    private static String normalize(String key) {
        return key.replace('.', '_').replace('-', '_');
    }
}
