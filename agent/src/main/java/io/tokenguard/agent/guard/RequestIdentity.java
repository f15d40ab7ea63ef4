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
    private static final List<String> REPRESENTATION_HEADERS = List.of("content-type", "accept");

    private final IdentityHasher hasher;
    private final String fingerprint;
    private final String endpoint;
    private final String client;
    private final String user;
    private final String throttleSubject;
    // Computed when first asked: a cache hit needs only the fingerprint, and each of these is one more HMAC.
    private String throttleKey;
    private String userHash;
    private String subjectHash;

    private RequestIdentity(IdentityHasher hasher, String fingerprint, String endpoint, String client, String user,
                            String throttleSubject) {
        this.hasher = hasher;
        this.fingerprint = fingerprint;
        this.endpoint = endpoint;
        this.client = client;
        this.user = user;
        this.throttleSubject = throttleSubject;
    }

    static RequestIdentity of(IdentityHasher hasher, CredentialSources sources, EndpointRule rule,
                              TokenHttpRequest request, TokenRequest parsed, List<String> identityHeaders) {
        IdentityHasher.Builder fp = hasher.newHash().field("fingerprint").field(rule.id())
                .field(request.method().toUpperCase(Locale.ROOT)).field(canonicalUrl(request.url()));
        addHeaders(fp, request.headers(), identityHeaders);
        // How the body is to be read and how the answer is to be written can change the answer
        // (a JSON body where a form is expected fails; GitHub answers form or JSON by Accept).
        for (String name : REPRESENTATION_HEADERS) {
            List<String> values = request.headers().all(name);
            fp.field(name).field(Integer.toString(values.size()));
            for (String value : values) {
                fp.field(value.trim().toLowerCase(Locale.ROOT));
            }
        }
        if (parsed.parsed()) {
            // The order of different parameters does not change the answer; the values do, every
            // one of them, and so does the order of a repeated one (servers mostly take its first).
            List<Map.Entry<String, List<String>>> byName = new ArrayList<>(parsed.params().entrySet());
            byName.sort(Map.Entry.comparingByKey());
            fp.field("params");
            for (Map.Entry<String, List<String>> e : byName) {
                fp.chars(e.getKey()).field(Integer.toString(e.getValue().size()));
                for (String v : e.getValue()) {
                    fp.chars(v);
                }
            }
        } else {
            fp.field("raw").bytes(request.body());
        }
        // What the client adds below the hook (an authenticator's answer, cookies, a client
        // certificate) is unknown here: only the very same objects may share an answer.
        Object[] below = request.credentialSources();
        fp.field("sources").field(Integer.toString(below.length));
        for (Object source : below) {
            fp.field(Long.toString(sources.idOf(source)));
        }
        String user = parsed.user();
        String throttleSubject = rule.limitPer() == LimitPer.CLIENT || user == null ? null : user;
        return new RequestIdentity(hasher, fp.finish(), rule.id(), parsed.clientId(), user, throttleSubject);
    }

    private static void addHeaders(IdentityHasher.Builder fp, HttpHeaders headers, List<String> identityHeaders) {
        for (String name : identityHeaders) {
            List<String> values = headers.all(name);
            fp.field(name).field(Integer.toString(values.size()));
            for (String value : values) {
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

    /** Racing threads of one request may both compute it; they get equal strings. */
    String throttleKey() {
        String k = throttleKey;
        if (k == null) {
            k = hasher.newHash().field("throttle").field(endpoint).field(client).field(throttleSubject).finish();
            throttleKey = k;
        }
        return k;
    }

    /** Short salted hash of whom the limit counts: the user, or the client with limit-per=client (metrics' user tag). */
    String subjectHash() {
        String h = subjectHash;
        if (h == null) {
            h = throttleSubject == null ? hasher.shortHash(client) : userHash();
            subjectHash = h;
        }
        return h;
    }

    /** Short salted hash of the user (or the client where there is no user), for events. */
    String userHash() {
        String h = userHash;
        if (h == null) {
            h = hasher.shortHash(user == null ? client : user);
            userHash = h;
        }
        return h;
    }
}
