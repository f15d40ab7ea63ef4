package io.tokenguard.agent.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code scheme://host[:port]/path} where {@code *} stands for exactly one host label or one path
 * segment, a host of just {@code *} for any host, scheme {@code *} for http and https, and an absent
 * port (or {@code *}) for any port. Matching never allocates: it runs on every URL a client opens.
 */
public final class UrlPattern {
    public static final String EXPECTED = "a URL pattern like https://*.okta.com/oauth2/*/v1/token"
            + " (scheme://host[:port]/path, * for one host label or path segment)";
    private static final String ANY = "*";

    private final String text;
    private final String scheme;
    private final String[] hostLabels;
    private final int port;
    private final String[] segments;

    private UrlPattern(String text, String scheme, String[] hostLabels, int port, String[] segments) {
        this.text = text;
        this.scheme = scheme;
        this.hostLabels = hostLabels;
        this.port = port;
        this.segments = segments;
    }

    public static UrlPattern parse(String text) {
        String t = text.trim();
        int sep = t.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException(EXPECTED);
        }
        String scheme = t.substring(0, sep).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals(ANY)) {
            throw new IllegalArgumentException(EXPECTED);
        }
        int pathStart = t.indexOf('/', sep + 3);
        String authority = pathStart < 0 ? t.substring(sep + 3) : t.substring(sep + 3, pathStart);
        String path = pathStart < 0 ? "/" : t.substring(pathStart);
        if (authority.isEmpty() || authority.contains("@") || path.contains("?") || path.contains("#")) {
            throw new IllegalArgumentException(EXPECTED);
        }
        int port = -1;
        int colon = authority.lastIndexOf(':');
        String host = authority;
        if (colon >= 0) {
            host = authority.substring(0, colon);
            String p = authority.substring(colon + 1);
            if (!p.equals(ANY)) {
                try {
                    port = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(EXPECTED);
                }
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException(EXPECTED);
                }
            }
        }
        String[] labels = host.equals(ANY) ? null : split(host.toLowerCase(Locale.ROOT), '.');
        return new UrlPattern(t, scheme, labels, port, split(trimTrailingSlash(path).substring(1), '/'));
    }

    private static String trimTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String[] split(String s, char sep) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == sep) {
                String part = s.substring(start, i);
                if (part.isEmpty() && !s.isEmpty()) {
                    throw new IllegalArgumentException(EXPECTED);
                }
                parts.add(part);
                start = i + 1;
            }
        }
        return parts.toArray(new String[0]);
    }

    /** The last path segment when it is a literal (used to pre-filter), else null. */
    String literalLastSegment() {
        String last = segments[segments.length - 1];
        return last.equals(ANY) ? null : last;
    }

    /** @param urlPort -1 when the URL names none (the scheme's default then applies) */
    public boolean matches(String urlScheme, String host, int urlPort, String path) {
        if (urlScheme == null || host == null || path == null) {
            return false;
        }
        if (scheme.equals(ANY) ? !"http".equalsIgnoreCase(urlScheme) && !"https".equalsIgnoreCase(urlScheme)
                : !scheme.equalsIgnoreCase(urlScheme)) {
            return false;
        }
        if (port != -1) {
            int effective = urlPort >= 0 ? urlPort
                    : "https".equalsIgnoreCase(urlScheme) ? 443 : "http".equalsIgnoreCase(urlScheme) ? 80 : -1;
            if (effective != port) {
                return false;
            }
        }
        return (hostLabels == null || matchParts(hostLabels, host, 0, host.length(), '.', true))
                && matchPath(path);
    }

    private boolean matchPath(String path) {
        int end = path.length();
        if (end > 1 && path.charAt(end - 1) == '/') {
            end--;
        }
        return end > 0 && path.charAt(0) == '/' && matchParts(segments, path, 1, end, '/', false);
    }

    /** Compares s[from, to) split at sep with the pattern parts, without allocating. */
    private static boolean matchParts(String[] parts, String s, int from, int to, char sep, boolean ignoreCase) {
        int pos = from;
        for (int i = 0; i < parts.length; i++) {
            if (pos > to) {
                return false;
            }
            int next = s.indexOf(sep, pos);
            if (next < 0 || next > to) {
                next = to;
            }
            int len = next - pos;
            String part = parts[i];
            if (part.equals(ANY)) {
                if (len == 0) {
                    return false;
                }
            } else if (len != part.length() || !s.regionMatches(ignoreCase, pos, part, 0, len)) {
                return false;
            }
            if (i == parts.length - 1) {
                return next == to;
            }
            pos = next + 1;
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
