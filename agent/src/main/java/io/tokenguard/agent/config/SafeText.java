package io.tokenguard.agent.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What TokenGuard may print of a text that can hold URLs: of each URL only its scheme, host, port
 * and path. Userinfo and query (and fragment) can carry credentials ({@code user:p@ss@host},
 * {@code ?api_key=...}) and are never echoed. Errs on the side of cutting too much: everything
 * up to a URL's last '@' is userinfo (a password may hold '/', whitespace or '@'), everything from
 * its first '?' or '#' is query.
 */
public final class SafeText {
    /** Where a URL begins: a scheme and "://". The text is cut there into one piece per URL. */
    private static final Pattern URL_START = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://");

    private SafeText() {
    }

    public static String withoutUrlSecrets(String text) {
        if (text == null) {
            return "";
        }
        Matcher m = URL_START.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        out.append(text, 0, m.start());
        int start = m.start();
        while (true) {
            int schemeEnd = m.end();
            int next = m.find() ? m.start() : -1;
            int end = next < 0 ? text.length() : next;
            out.append(url(text.substring(start, end), schemeEnd - start));
            if (next < 0) {
                return out.toString();
            }
            start = next;
        }
    }

    /** One piece that starts with a URL, the text after "://" starting at afterScheme. */
    private static String url(String piece, int afterScheme) {
        String rest = piece.substring(afterScheme);
        int at = rest.lastIndexOf('@');
        String prefix = piece.substring(0, afterScheme);
        if (at >= 0) {
            prefix += "***@";
            rest = rest.substring(at + 1);
        }
        int query = firstOf(rest, '?', '#');
        if (query >= 0) {
            // Keep a list separator that followed the URL, so "a?x=1,b" still reads as two items.
            String tail = rest.endsWith(",") ? "," : rest.endsWith(", ") ? ", " : "";
            rest = rest.substring(0, query) + "?***" + tail;
        }
        return prefix + rest;
    }

    private static int firstOf(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
