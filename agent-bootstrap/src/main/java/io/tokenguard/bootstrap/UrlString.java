package io.tokenguard.bootstrap;

/**
 * An absolute URL kept as one String ({@code scheme://[userinfo@]host[:port]/path[?query][#fragment]}),
 * scanned in place: where its path is, without allocating, and its parts split for the catalog only
 * when a call may be a token request.
 */
public final class UrlString {
    private UrlString() {
    }

    /** Where the authority starts (after "://"), or -1 when this is no absolute hierarchical URL. */
    public static int authorityStart(String url) {
        if (url == null) {
            return -1;
        }
        int colon = url.indexOf(':');
        if (colon <= 0 || url.length() < colon + 3 || url.charAt(colon + 1) != '/' || url.charAt(colon + 2) != '/') {
            return -1;
        }
        for (int i = 0; i < colon; i++) {
            char c = url.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '+'
                    || c == '-' || c == '.'))) {
                return -1;
            }
        }
        return colon + 3;
    }

    /** Where the path starts (its '/'), the URL's length when it has none, or -1 when not absolute. */
    public static int pathStart(String url) {
        int from = authorityStart(url);
        if (from < 0) {
            return -1;
        }
        int n = url.length();
        for (int i = from; i < n; i++) {
            char c = url.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                return i;
            }
        }
        return n;
    }

    /** Where the path ends: at the query, the fragment or the end. */
    public static int pathEnd(String url, int pathStart) {
        int n = url.length();
        for (int i = pathStart; i < n; i++) {
            char c = url.charAt(i);
            if (c == '?' || c == '#') {
                return i;
            }
        }
        return n;
    }

    /** Splits the URL and asks the delegate: false for a URL that is not absolute or has an odd authority. */
    public static boolean isTokenEndpoint(GuardDelegate guard, String url) {
        int from = authorityStart(url);
        if (from < 0) {
            return false;
        }
        int pathFrom = pathStart(url);
        int pathTo = pathEnd(url, pathFrom);
        int hostFrom = url.lastIndexOf('@', pathFrom - 1) + 1;
        if (hostFrom < from) {
            hostFrom = from;
        }
        int hostTo = pathFrom;
        int port = -1;
        if (hostFrom < hostTo && url.charAt(hostFrom) == '[') {
            int close = url.indexOf(']', hostFrom);
            if (close < 0 || close >= hostTo) {
                return false;
            }
            int colon = close + 1 < hostTo && url.charAt(close + 1) == ':' ? close + 1 : -1;
            if (colon > 0) {
                port = port(url, colon + 1, hostTo);
                if (port == -2) {
                    return false;
                }
            }
            hostTo = close + 1;
        } else {
            int colon = url.indexOf(':', hostFrom);
            if (colon >= 0 && colon < hostTo) {
                port = port(url, colon + 1, hostTo);
                if (port == -2) {
                    return false;
                }
                hostTo = colon;
            }
        }
        if (hostFrom == hostTo) {
            return false;
        }
        String path = pathFrom == pathTo ? "/" : url.substring(pathFrom, pathTo);
        if (path.charAt(0) != '/') {
            path = "/";
        }
        return guard.isTokenEndpoint(url.substring(0, from - 3), url.substring(hostFrom, hostTo), port, path);
    }

    /** The port digits in [from, to): -1 when empty, -2 when not a port. */
    private static int port(String url, int from, int to) {
        if (from == to) {
            return -1;
        }
        if (to - from > 5) {
            return -2;
        }
        int port = 0;
        for (int i = from; i < to; i++) {
            char c = url.charAt(i);
            if (c < '0' || c > '9') {
                return -2;
            }
            port = port * 10 + (c - '0');
        }
        return port > 65535 ? -2 : port;
    }
}
