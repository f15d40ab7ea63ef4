package io.tokenguard.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the settings from their five sources, later winning: built-in defaults &lt; the file named
 * by tokenguard.config &lt; TOKENGUARD_* environment &lt; -Dtokenguard.* &lt; agent arguments.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    public static ConfigResult load(String agentArgs, Map<String, String> env, Properties systemProperties) {
        List<String> warnings = new ArrayList<>();
        List<String> errors = new ArrayList<>();

        Map<String, String> fromEnv = new LinkedHashMap<>();
        Map<String, String> envSources = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith(EnvironmentNames.PREFIX)) {
                continue;
            }
            String key = EnvironmentNames.toKey(e.getKey());
            if (key == null) {
                warnings.add("unknown setting " + e.getKey() + " (from the environment); ignored");
            } else {
                fromEnv.put(key, e.getValue());
                envSources.put(key, "environment " + e.getKey());
            }
        }
        Map<String, String> fromSystem = new LinkedHashMap<>();
        for (String name : systemProperties.stringPropertyNames()) {
            if (name.startsWith(ConfigKeys.PREFIX)) {
                fromSystem.put(name, systemProperties.getProperty(name));
            }
        }
        Map<String, String> fromArgs = AgentArgs.parse(agentArgs);

        RawSettings raw = new RawSettings();
        raw.putAll(BuiltInCatalog.defaults(), "built-in");
        String configFile = last(Setting.CONFIG.key, fromEnv, fromSystem, fromArgs);
        if (configFile != null && !configFile.trim().isEmpty()) {
            readFile(configFile.trim(), raw, errors);
        }
        fromEnv.forEach((k, v) -> raw.put(k, v, envSources.get(k)));
        raw.putAll(fromSystem, "-D");
        raw.putAll(fromArgs, "agent argument");

        for (Map.Entry<String, RawSettings.Value> e : raw.all().entrySet()) {
            if (!ConfigKeys.known(e.getKey())) {
                warnings.add("unknown setting " + e.getKey() + " (from " + e.getValue().source + "); ignored");
            }
        }
        SettingsReader reader = new SettingsReader(raw, errors);
        AgentSettings settings = reader.read();
        return new ConfigResult(settings, warnings, errors, reader.strict());
    }

    @SafeVarargs
    private static String last(String key, Map<String, String>... sources) {
        String value = null;
        for (Map<String, String> source : sources) {
            if (source.containsKey(key)) {
                value = source.get(key);
            }
        }
        return value;
    }

    private static void readFile(String name, RawSettings raw, List<String> errors) {
        Path path = Paths.get(name);
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(path)) {
            p.load(in);
        } catch (IOException | RuntimeException e) {
            errors.add("cannot read the configuration file tokenguard.config='" + name + "' ("
                    + e.getClass().getSimpleName() + ")");
            return;
        }
        String source = "file " + path;
        for (String key : p.stringPropertyNames()) {
            raw.put(key, p.getProperty(key), source);
        }
    }
}
