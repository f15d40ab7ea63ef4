package io.tokenguard.agent.guard;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.LimitPer;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The two keys a token request is known by, both hashes:
 * the fingerprint (everything that can change the answer: only an identical credential set may
 * share a cached answer) and the throttle key (endpoint, client, user: whom a limit counts).
 */
final class RequestIdentity {
    private final String fingerprint;
    private final String throttleKey;
    private final String userHash;
    private final String subjectHash;

    private RequestIdentity(String fingerprint, String throttleKey, String userHash, String subjectHash) {
        this.fingerprint = fingerprint;
        this.throttleKey = throttleKey;
        this.userHash = userHash;
        this.subjectHash = subjectHash;
    }

    static RequestIdentity of(IdentityHasher hasher, EndpointRule rule, TokenHttpRequest request,
                              TokenRequest parsed, List<String> identityHeaders) {
        IdentityHasher.Builder fp = hasher.newHash().field("fingerprint").field(rule.id())
                .field(request.method().toUpperCase(Locale.ROOT)).field(canonicalUrl(request.url()));
        addHeaders(fp, request.headers(), identityHeaders);
        if (parsed.parsed()) {
            // Order of parameters does not change the answer; their values do, every one of them.
            List<String> canonical = new ArrayList<>();
            for (Map.Entry<String, List<String>> e : parsed.params().entrySet()) {
                for (String v : e.getValue()) {
                    canonical.add(e.getKey() + '\u0000' + v);
                }
            }
            canonical.sort(null);
            fp.field("params");
            for (String c : canonical) {
                fp.field(c);
            }
        } else {
            fp.field("raw").bytes(request.body());
        }
        String client = parsed.clientId();
        String user = parsed.user();
        String throttleSubject = rule.limitPer() == LimitPer.CLIENT || user == null ? null : user;
        String throttleKey = hasher.newHash().field("throttle").field(rule.id()).field(client)
                .field(throttleSubject).finish();
        String userHash = hasher.shortHash(user == null ? client : user);
        return new RequestIdentity(fp.finish(), throttleKey, userHash,
                throttleSubject == null ? hasher.shortHash(client) : userHash);
    }

    private static void addHeaders(IdentityHasher.Builder fp, HttpHeaders headers, List<String> identityHeaders) {
        for (String name : identityHeaders) {
            fp.field(name);
            for (String value : headers.all(name)) {
                fp.field(value);
            }
        }
    }

    private static String canonicalUrl(URL url) {
        int port = url.getPort() < 0 ? url.getDefaultPort() : url.getPort();
        return url.getProtocol().toLowerCase(Locale.ROOT) + "://" + url.getHost().toLowerCase(Locale.ROOT) + ':' + port
                + url.getPath() + (url.getQuery() == null ? "" : "?" + url.getQuery());
    }

    String fingerprint() {
        return fingerprint;
    }

    String throttleKey() {
        return throttleKey;
    }

    /** Short salted hash of whom the limit counts: the user, or the client with limit-per=client (metrics' user tag). */
    String subjectHash() {
        return subjectHash;
    }

    /** Short salted hash of the user (or the client where there is no user), for events. */
    String userHash() {
        return userHash;
    }
}
