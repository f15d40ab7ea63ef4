package io.tokenguard.agent.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code -javaagent:tokenguard-agent.jar=key=value,key=value}, keys without the prefix. Values may
 * hold commas themselves (URL lists), so a comma separates settings only where what follows it
 * looks like {@code key=}.
 */
final class AgentArgs {
    private static final Pattern KEY_START = Pattern.compile("^[a-z][a-z0-9_.-]*=.*", Pattern.DOTALL);

    private AgentArgs() {
    }

    /** Keys with the {@code tokenguard.} prefix added; a part without '=' is reported as a key with no value. */
    static Map<String, String> parse(String args) {
        Map<String, String> out = new LinkedHashMap<>();
        if (args == null || args.trim().isEmpty()) {
            return out;
        }
        String current = null;
        for (String part : args.split(",", -1)) {
            if (current == null || KEY_START.matcher(part.trim()).matches()) {
                if (current != null) {
                    add(out, current);
                }
                current = part;
            } else {
                current = current + "," + part;
            }
        }
        add(out, current);
        return out;
    }

    private static void add(Map<String, String> out, String setting) {
        String s = setting.trim();
        if (s.isEmpty()) {
            return;
        }
        int eq = s.indexOf('=');
        String key = eq < 0 ? s : s.substring(0, eq).trim();
        String value = eq < 0 ? null : s.substring(eq + 1).trim();
        out.put(key.startsWith(ConfigKeys.PREFIX) ? key : ConfigKeys.PREFIX + key, value);
    }
}
