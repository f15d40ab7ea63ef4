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
                parts.add(part.equals(ANY) ? ANY : part);
                start = i + 1;
            }
        }
        return parts.toArray(new String[0]);
    }

    /** Where a URL path's last segment ends: a trailing slash does not count ("/token/" is "/token"). */
    static int pathEnd(String path) {
        int end = path.length();
        return end > 1 && path.charAt(end - 1) == '/' ? end - 1 : end;
    }

    /** Path segments of this pattern ("/a/b" has two; "/" has one, empty). */
    int segmentCount() {
        return segments.length;
    }

    /**
     * Path segments of a URL path as {@link #matches} counts them (a trailing slash ignored), or -1
     * for a path that no pattern can match (empty or not starting with '/').
     */
    static int segmentCount(String path) {
        int end = pathEnd(path);
        if (end == 0 || path.charAt(0) != '/') {
            return -1;
        }
        int n = 1;
        for (int i = 1; i < end; i++) {
            if (path.charAt(i) == '/') {
                n++;
            }
        }
        return n;
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
        // The path first: compared case-sensitively, it is the cheaper test and the one most URLs fail.
        return matchPath(path) && (hostLabels == null || matchParts(hostLabels, host, 0, host.length(), '.', true));
    }

    private boolean matchPath(String path) {
        int end = pathEnd(path);
        return end > 0 && path.charAt(0) == '/' && matchParts(segments, path, 1, end, '/', false);
    }

    /**
     * Compares s[from, to) split at sep with the pattern parts, without allocating: one pass over
     * the characters (indexOf and regionMatches per part cost several times more on a miss).
     */
    private static boolean matchParts(String[] parts, String s, int from, int to, char sep, boolean ignoreCase) {
        int pos = from;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part == ANY) { // parse() stores every wildcard as this very constant
                int start = pos;
                while (pos < to && s.charAt(pos) != sep) {
                    pos++;
                }
                if (pos == start) {
                    return false;
                }
            } else {
                int len = part.length();
                if (to - pos < len) {
                    return false;
                }
                for (int k = 0; k < len; k++) {
                    char c = s.charAt(pos + k);
                    char p = part.charAt(k);
                    if (c != p && (!ignoreCase || !sameIgnoringCase(c, p))) {
                        return false;
                    }
                }
                pos += len;
            }
            if (i == parts.length - 1) {
                return pos == to;
            }
            if (pos >= to || s.charAt(pos) != sep) {
                return false;
            }
            pos++;
        }
        return false;
    }

    /** As String.regionMatches(true, ...) compares two characters; pattern hosts are lower case already. */
    private static boolean sameIgnoringCase(char c, char p) {
        if (c < 0x80) {
            return c >= 'A' && c <= 'Z' && (char) (c + ('a' - 'A')) == p;
        }
        char u = Character.toUpperCase(c);
        return u == Character.toUpperCase(p) || Character.toLowerCase(u) == Character.toLowerCase(p);
    }

    @Override
    public String toString() {
        return text;
    }
}
