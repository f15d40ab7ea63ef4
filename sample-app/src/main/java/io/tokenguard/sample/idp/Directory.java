package io.tokenguard.sample.idp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;

/** The fixed accounts the emulated IdP knows. They are test fixtures, not secrets. */
final class Directory {
    static final String ELOQUA_SITE = "SampleCo";
    private static final Map<String, String> CLIENTS = Map.of("sample-app-client", "sample-app-secret");
    private static final Map<String, String> USERS = Map.of("alice", "alice-pw", "bob", "bob-pw", "carol", "carol-pw");
    private static final Map<String, String> CONSUMERS = Map.of(
            "sample-consumer", "sample-consumer-secret",
            "other-consumer", "other-consumer-secret");

    private Directory() {
    }

    static boolean isClient(String id, String secret) {
        return matches(CLIENTS, id, secret);
    }

    static boolean isUser(String bareName, String password) {
        return matches(USERS, bareName, password);
    }

    static boolean isConsumerKey(String key) {
        return key != null && CONSUMERS.containsKey(key);
    }

    static boolean isConsumer(String key, String secret) {
        return matches(CONSUMERS, key, secret);
    }

    static Iterable<String> consumerKeys() {
        return CONSUMERS.keySet();
    }

    /** Eloqua logins look like {@code Site\\user}; the site prefix is optional here and ignored. */
    static String bareUser(String username) {
        if (username == null) {
            return null;
        }
        int slash = username.lastIndexOf('\\');
        String bare = slash < 0 ? username : username.substring(slash + 1);
        return bare.toLowerCase(Locale.ROOT);
    }

    private static boolean matches(Map<String, String> table, String id, String secret) {
        if (id == null || secret == null) {
            return false;
        }
        String expected = table.get(id);
        return expected != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8));
    }
}
