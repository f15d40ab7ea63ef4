package io.tokenguard.agent.config;

/**
 * What TokenGuard may print of a setting's value or a URL: never a URL's userinfo, query or
 * fragment, which can carry credentials ({@code user:p@ss@host}, {@code ?api_key=...}). Errs on the
 * side of cutting too much, and needs no parse that a malformed value could fool: everything up to
 * the text's last '@' is treated as userinfo (a password may hold '/', whitespace, '@' or even
 * "://"; the value may lack a scheme), and everything from the first '?' or '#' as query.
 */
public final class SafeText {
    private SafeText() {
    }

    public static String withoutUrlSecrets(String text) {
        if (text == null) {
            return "";
        }
        String out = text;
        int at = out.lastIndexOf('@');
        if (at >= 0) {
            // Keep what stands before the first "://" when it comes before the '@': the scheme.
            int scheme = out.indexOf("://");
            String kept = scheme >= 0 && scheme < at ? out.substring(0, scheme + 3) : "";
            out = kept + "***@" + out.substring(at + 1);
        }
        int query = firstOf(out, '?', '#');
        if (query >= 0) {
            out = out.substring(0, query) + "?***";
        }
        return out;
    }

    private static int firstOf(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
