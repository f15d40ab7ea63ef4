package io.tokenguard.agent.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The fleet's Redis, read from tokenguard.fleet.redis.uri: {@code redis://} or {@code rediss://}
 * (TLS), an optional ACL user and password in the userinfo (percent-encoded), a port (6379 by
 * default) and a database number as the path. {@link #toString} never shows the userinfo.
 */
public final class RedisUri {
    private final boolean tls;
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final int database;
    /** The userinfo had no ':' (then {@link #user} holds it, and it may be a password). */
    private final boolean lone;

    private RedisUri(boolean tls, String host, int port, String user, String password, int database, boolean lone) {
        this.tls = tls;
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.database = database;
        this.lone = lone;
    }

    /** Whether the userinfo was a single word: {@code rediss://name@host}. */
    public boolean loneUserInfo() {
        return lone;
    }

    /** IllegalArgumentException (carrying no part of the text) when it is not such a URI. */
    static RedisUri parse(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException("scheme");
        }
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("host");
        }
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        int database = 0;
        if (!path.isEmpty() && !path.equals("/")) {
            database = Setting.intIn(path.substring(1), 0, 15_999);
        }
        String user = null;
        String password = null;
        boolean lone = false;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = colon < 0 ? decode(info) : decode(info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
            if (colon < 0) {
                // A lone userinfo: the ACL user when the password comes from elsewhere, else Redis'
                // legacy form for a password (redis://secret@host). FleetSettings decides.
                lone = true;
            }
            if (user != null && user.isEmpty()) {
                user = null;
            }
        }
        return new RedisUri(scheme.equals("rediss"), uri.getHost(), port, user, password, database, lone);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    public boolean tls() {
        return tls;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The userinfo's user part (see {@link #loneUserInfo}), or null. */
    public String user() {
        return user;
    }

    /** The password from the userinfo, or null. */
    public String password() {
        return password;
    }

    public int database() {
        return database;
    }

    /** Safe to print: scheme, host, port and database, never the userinfo. */
    @Override
    public String toString() {
        return (tls ? "rediss://" : "redis://") + (user != null || password != null ? "***@" : "") + host + ":" + port
                + "/" + database;
    }
}
