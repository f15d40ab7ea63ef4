package io.tokenguard.agent.config;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.UrlPattern;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Fleet mode's settings (tokenguard.fleet.*): where the shared Redis is, the fleet's key ring, the
 * fleet's name and the bound of each Redis call. Present only when tokenguard.fleet.redis.uri is
 * set. {@link #toString} shows no secret.
 */
public final class FleetSettings {
    private final RedisUri uri;
    private final String password;
    private final FleetKeyRing keys;
    private final String name;
    private final Duration timeout;

    public FleetSettings(RedisUri uri, String password, FleetKeyRing keys, String name, Duration timeout) {
        this.uri = uri;
        this.password = password;
        this.keys = keys;
        this.name = name;
        this.timeout = timeout;
    }

    /** Tests: a plain redis:// URI to this host and port. */
    public static RedisUri redisUri(String text) {
        return RedisUri.parse(text);
    }

    public RedisUri uri() {
        return uri;
    }

    /**
     * The ACL user, or null for the default user. {@code rediss://name@host} names the user when
     * tokenguard.fleet.redis.password gives the password, and is the password otherwise (Redis'
     * legacy form, as Jedis and redis-cli read it).
     */
    public String user() {
        if (uri.loneUserInfo()) {
            return password != null ? uri.user() : null;
        }
        return uri.user();
    }

    /** The URI's password, else tokenguard.fleet.redis.password, else null. */
    public String password() {
        if (uri.loneUserInfo()) {
            return password != null ? password : uri.user();
        }
        return uri.password() != null ? uri.password() : password;
    }

    public FleetKeyRing keys() {
        return keys;
    }

    /** The name the fleet's keys in Redis are kept under: one app's JVMs meet, another app's do not. */
    public String name() {
        return name;
    }

    /** The bound of one Redis call (connect, read, a pool wait). */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The default fleet name: a hash of the endpoint rules in force (ids and URL patterns), so JVMs
     * configured alike meet and an app with other endpoints does not. Apps that guard the same
     * endpoints but must not share set tokenguard.fleet.name (or use another key).
     */
    static String derivedName(List<EndpointRule> rules) {
        List<String> parts = new ArrayList<>();
        for (EndpointRule r : rules) {
            StringBuilder b = new StringBuilder(r.id()).append('=');
            for (UrlPattern u : r.urls()) {
                b.append(u).append(',');
            }
            parts.add(b.toString());
        }
        Collections.sort(parts);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder("endpoints-");
            for (int i = 0; i < 8; i++) {
                hex.append(String.format("%02x", digest[i]));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "fleet " + name + " at " + uri + " (timeout " + timeout.toMillis() + "ms)";
    }
}
