package io.tokenguard.agent.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The token endpoints in force, and the question every client call asks: is this URL one of them?
 * Most URLs are not, so the answer starts with a cheap look at the last path segment, and then
 * tries only the patterns with as many path segments as the URL (a URL ending in /token is common
 * enough that trying every pattern on it was the fast path's largest cost).
 */
public final class EndpointCatalog {
    private final List<EndpointRule> rules;
    /** Literal last path segments of all patterns; null when some pattern ends in a wildcard. */
    private final String[] lastSegments;
    /** By path segment count: the patterns with that many segments, in catalog order. */
    private final UrlPattern[][] patternsBySegments;
    /** Parallel to {@link #patternsBySegments}: the rule each pattern belongs to. */
    private final EndpointRule[][] rulesBySegments;

    private EndpointCatalog(List<EndpointRule> rules) {
        this.rules = Collections.unmodifiableList(new ArrayList<>(rules));
        Set<String> lasts = new LinkedHashSet<>();
        boolean wildcard = false;
        for (EndpointRule rule : rules) {
            for (UrlPattern p : rule.urls()) {
                String last = p.literalLastSegment();
                if (last == null) {
                    wildcard = true;
                } else {
                    lasts.add(last);
                }
            }
        }
        this.lastSegments = wildcard ? null : lasts.toArray(new String[0]);
        int maxSegments = 0;
        for (EndpointRule rule : rules) {
            for (UrlPattern p : rule.urls()) {
                maxSegments = Math.max(maxSegments, p.segmentCount());
            }
        }
        this.patternsBySegments = new UrlPattern[maxSegments + 1][];
        this.rulesBySegments = new EndpointRule[maxSegments + 1][];
        for (int n = 0; n <= maxSegments; n++) {
            List<UrlPattern> patterns = new ArrayList<>();
            List<EndpointRule> owners = new ArrayList<>();
            for (EndpointRule rule : rules) {
                for (UrlPattern p : rule.urls()) {
                    if (p.segmentCount() == n) {
                        patterns.add(p);
                        owners.add(rule);
                    }
                }
            }
            patternsBySegments[n] = patterns.toArray(new UrlPattern[0]);
            rulesBySegments[n] = owners.toArray(new EndpointRule[0]);
        }
    }

    public static EndpointCatalog of(List<EndpointRule> rules) {
        return new EndpointCatalog(rules);
    }

    /**
     * The first rule matching the URL, or null. Allocation-free unless the path or host is spelled in a
     * way servers read as another (see {@link UrlPaths}): then the spelling the server reads is matched.
     */
    public EndpointRule match(String scheme, String host, int port, String path) {
        if (path == null) {
            return null;
        }
        boolean oddSpelling = UrlPaths.needsNormalizing(path) || host != null && host.endsWith(".");
        if (oddSpelling) {
            return matchSpelled(scheme, UrlPaths.host(host), port, UrlPaths.normalize(path));
        }
        return lastSegments != null && !lastSegmentKnown(path) ? null : matchSpelled(scheme, host, port, path);
    }

    /**
     * Whether a URL whose path is {@code url[from, to)} may be one of these endpoints, from that region
     * alone and without allocating: false only when its last segment (a trailing slash not counting) is
     * no pattern's literal last segment and the path is spelled plainly (else only {@link #match} can tell).
     */
    public boolean mayMatchPath(String url, int from, int to) {
        if (lastSegments == null || from >= to) {
            return true;
        }
        for (int i = from; i < to; i++) {
            char c = url.charAt(i);
            if (c == '%' || c == ';' || c == '.' && i > from && url.charAt(i - 1) == '/'
                    || c == '/' && i > from && url.charAt(i - 1) == '/') {
                return true;
            }
        }
        int end = to - from > 1 && url.charAt(to - 1) == '/' ? to - 1 : to;
        int start = url.lastIndexOf('/', end - 1) + 1;
        if (start <= from) {
            start = from + 1;
        }
        int len = end - start;
        for (String last : lastSegments) {
            if (last.length() == len && url.regionMatches(start, last, 0, len)) {
                return true;
            }
        }
        return false;
    }

    private EndpointRule matchSpelled(String scheme, String host, int port, String path) {
        if (lastSegments != null && !lastSegmentKnown(path)) {
            return null;
        }
        int n = UrlPattern.segmentCount(path);
        if (n < 0 || n >= patternsBySegments.length) {
            return null;
        }
        UrlPattern[] patterns = patternsBySegments[n];
        for (int i = 0; i < patterns.length; i++) {
            if (patterns[i].matches(scheme, host, port, path)) {
                return rulesBySegments[n][i];
            }
        }
        return null;
    }

    private boolean lastSegmentKnown(String path) {
        int end = UrlPattern.pathEnd(path);
        int start = path.lastIndexOf('/', end - 1) + 1;
        int len = end - start;
        for (String last : lastSegments) {
            if (last.length() == len && path.regionMatches(start, last, 0, len)) {
                return true;
            }
        }
        return false;
    }

    public List<EndpointRule> rules() {
        return rules;
    }

    public EndpointRule byId(String id) {
        for (EndpointRule r : rules) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        return null;
    }
}
