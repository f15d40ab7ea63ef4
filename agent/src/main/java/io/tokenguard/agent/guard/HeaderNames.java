package io.tokenguard.agent.guard;

import java.util.List;

/**
 * Header names a fingerprint asks for, each with its case-folded hash, so that a request's header
 * names are told apart by an int compare before the case-insensitive one. The hash folds ASCII only;
 * a name with any other character has no hash and is always compared in full, so a match
 * {@link String#equalsIgnoreCase} would find is never missed.
 */
final class HeaderNames {
    /** The hash of a name with a character outside ASCII: not comparable, compare in full. */
    static final long UNHASHED = -1L;
    /** The last list asked for (the settings' identity headers): built once, not per request. */
    private static volatile HeaderNames last;

    private final List<String> source;
    private final String[] names;
    private final long[] hashes;

    private HeaderNames(List<String> source) {
        this.source = source;
        this.names = source.toArray(new String[0]);
        this.hashes = new long[names.length];
        for (int i = 0; i < names.length; i++) {
            hashes[i] = foldedHash(names[i]);
        }
    }

    /** The names of this list, in its order; the same object for the same list asked again. */
    static HeaderNames of(List<String> names) {
        HeaderNames l = last;
        if (l != null && l.source == names) {
            return l;
        }
        l = new HeaderNames(names);
        last = l;
        return l;
    }

    int size() {
        return names.length;
    }

    String name(int index) {
        return names[index];
    }

    /** Whether a header named headerName (its {@link #foldedHash}) is the name at index, ignoring case. */
    boolean matches(int index, long headerHash, String headerName) {
        long h = hashes[index];
        if (h != UNHASHED && headerHash != UNHASHED && h != headerHash) {
            return false;
        }
        return names[index].equalsIgnoreCase(headerName);
    }

    /** A hash equal for names equal ignoring ASCII case, or {@link #UNHASHED} beyond ASCII. */
    static long foldedHash(String name) {
        int h = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 0x80) {
                return UNHASHED;
            }
            h = 31 * h + (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        }
        return h & 0xffffffffL;
    }
}
