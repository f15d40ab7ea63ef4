package io.tokenguard.agent.catalog;

import java.util.ArrayList;
import java.util.List;

/**
 * The path and host a server reads, for spellings of one URL that servers accept alike:
 * {@code /a/./token}, {@code /a/b/../token}, {@code //token}, {@code /token;jsessionid=1},
 * {@code /%74oken} and {@code login.example.com.} all name the token endpoint they spell. Without
 * this, such a spelling passed the limit unguarded. Only a path that has one of these features is
 * rewritten (and allocates); every other path is answered by {@link #needsNormalizing} alone.
 */
public final class UrlPaths {
    private UrlPaths() {
    }

    /** Whether {@link #normalize} could change this path: a '%', a ';', an empty or dot segment. Allocation-free. */
    public static boolean needsNormalizing(String path) {
        int n = path.length();
        for (int i = 0; i < n; i++) {
            char c = path.charAt(i);
            if (c == '%' || c == ';') {
                return true;
            }
            if (c == '/' && i + 1 < n) {
                char next = path.charAt(i + 1);
                if (next == '/' || next == '.' && (i + 2 == n || path.charAt(i + 2) == '/' || path.charAt(i + 2) == '.')) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The path with percent-escapes of unreserved characters decoded (RFC 3986 §2.3; other escapes
     * kept, hex digits upper-cased), path parameters ({@code ;...} in a segment) dropped, empty
     * segments collapsed and dot segments removed (RFC 3986 §5.2.4). A path not starting with '/'
     * is returned as it is.
     */
    public static String normalize(String path) {
        if (path.isEmpty() || path.charAt(0) != '/' || !needsNormalizing(path)) {
            return path;
        }
        List<String> out = new ArrayList<>();
        boolean trailingSlash = false;
        int start = 1;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            String segment = segment(path, start, end);
            trailingSlash = false;
            if (segment.isEmpty()) {
                trailingSlash = slash < 0; // "/a/" keeps its trailing slash; "//" inside collapses
            } else if (segment.equals(".")) {
                trailingSlash = true;
            } else if (segment.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
                trailingSlash = true;
            } else {
                out.add(segment);
            }
            if (slash < 0) {
                break;
            }
            start = slash + 1;
        }
        StringBuilder b = new StringBuilder(path.length());
        for (String s : out) {
            b.append('/').append(s);
        }
        if (out.isEmpty() || trailingSlash) {
            b.append('/');
        }
        return b.toString();
    }

    /** One segment without its parameters, unreserved escapes decoded. */
    private static String segment(String path, int start, int end) {
        int semicolon = path.indexOf(';', start);
        if (semicolon >= 0 && semicolon < end) {
            end = semicolon;
        }
        StringBuilder b = new StringBuilder(end - start);
        for (int i = start; i < end; i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < end) {
                int hi = Character.digit(path.charAt(i + 1), 16);
                int lo = Character.digit(path.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    char decoded = (char) (hi << 4 | lo);
                    if (unreserved(decoded)) {
                        b.append(decoded);
                    } else {
                        b.append('%').append(Character.toUpperCase(path.charAt(i + 1)))
                                .append(Character.toUpperCase(path.charAt(i + 2)));
                    }
                    i += 2;
                    continue;
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    private static boolean unreserved(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** The host without the trailing dot of a fully qualified name ("login.example.com." is "login.example.com"). */
    public static String host(String host) {
        return host != null && host.length() > 1 && host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }
}
