package io.tokenguard.agent.guard;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.LimitPer;
import io.tokenguard.agent.catalog.UrlPaths;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The keys a token request is known by, all hashes:
 * <ul>
 * <li>the fingerprint: everything that can change the answer; only an identical credential set may
 *     share a cached answer;</li>
 * <li>the throttle keys: whom a per-user limit counts (endpoint URL, client, and the user the grant
 *     names — see {@link GrantSubjects});</li>
 * <li>the cooldown keys: whom a provider's "back off" holds (endpoint URL, client, its client
 *     authentication, the user the grant names: the most specific identity there is).</li>
 * </ul>
 * A request a server could read two ways has a key for each reading: limits and cooldowns count
 * every one of them (the stricter reading).
 */
final class RequestIdentity {
    /**
     * How the body is to be read and the answer written can change the answer: a JSON body where a
     * form is expected fails; GitHub answers form or JSON by Accept; a follower that never asked
     * for gzip must not get the leader's gzip body.
     */
    private static final List<String> REPRESENTATION_HEADERS = List.of("content-type", "accept", "accept-encoding");

    private final IdentityHasher hasher;
    private final String fingerprint;
    private final String endpoint;
    private final String client;
    private final TokenHttpRequest request;
    private final TokenRequest parsed;
    private final boolean perClient;
    // Computed when first asked: a cache hit needs only the fingerprint; the rest is parsing and more HMACs.
    private List<String> subjects;
    private List<String> throttleKeys;
    private List<String> cooldownKeys;
    private String userHash;
    private String subjectHash;

    private RequestIdentity(IdentityHasher hasher, String fingerprint, String endpoint, TokenHttpRequest request,
                            TokenRequest parsed, boolean perClient) {
        this.hasher = hasher;
        this.fingerprint = fingerprint;
        this.endpoint = endpoint;
        this.client = parsed.clientId();
        this.request = request;
        this.parsed = parsed;
        this.perClient = perClient;
    }

    static RequestIdentity of(IdentityHasher hasher, CredentialSources sources, EndpointRule rule,
                              TokenHttpRequest request, TokenRequest parsed, List<String> identityHeaders) {
        String endpoint = canonicalEndpoint(request.url());
        String query = request.url().getQuery();
        // The method as sent: "post" is not "POST" to a server (RFC 9110 §9.1).
        IdentityHasher.Builder fp = hasher.newHash().field("fingerprint").field(rule.id())
                .field(request.method()).field(endpoint).field(query);
        addHeaders(fp, request.headers(), identityHeaders);
        for (String name : REPRESENTATION_HEADERS) {
            List<String> values = request.headers().all(name);
            fp.field(name).field(Integer.toString(values.size()));
            for (String value : values) {
                fp.field(value.trim().toLowerCase(Locale.ROOT));
            }
        }
        fp.field(parsed.kind().name());
        if (parsed.parsed()) {
            // The order of different parameters does not change the answer; the values do, every
            // one of them with its JSON type, and so does the order of a repeated one.
            List<Map.Entry<String, List<String>>> byName = new ArrayList<>(parsed.body().entrySet());
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
        return new RequestIdentity(hasher, fp.finish(), endpoint, request, parsed, rule.limitPer() == LimitPer.CLIENT);
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

    /** The client's own proof (a Basic header, client_secret values): a cooldown a wrong secret earned holds only it. */
    private static String clientAuth(TokenHttpRequest request, TokenRequest parsed) {
        StringBuilder b = new StringBuilder();
        for (String v : request.headers().all("Authorization")) {
            b.append(v.length()).append(':').append(v);
        }
        for (String v : parsed.readings("client_secret")) {
            b.append(v.length()).append(':').append(v);
        }
        return b.toString();
    }

    /** The endpoint as the server reads it: scheme, host (lower case, no trailing dot), port, normalized path. */
    static String canonicalEndpoint(URL url) {
        int port = url.getPort() < 0 ? url.getDefaultPort() : url.getPort();
        return url.getProtocol().toLowerCase(Locale.ROOT) + "://" + UrlPaths.host(url.getHost()).toLowerCase(Locale.ROOT)
                + ':' + port + UrlPaths.normalize(url.getPath());
    }

    String fingerprint() {
        return fingerprint;
    }

    /** Whether the grant is single-use (a code, a device code, a one-time assertion): never answered from the cache. */
    boolean singleUse() {
        return GrantSubjects.singleUse(parsed);
    }

    /** Racing threads of one request may both compute it; they get equal lists. */
    private List<String> subjects() {
        List<String> s = subjects;
        if (s == null) {
            s = GrantSubjects.of(parsed, fingerprint);
            subjects = s;
        }
        return s;
    }

    /**
     * Keys of the buckets a limit takes a permit from: one, or one per reading of an ambiguous user.
     * Racing threads of one request may both compute them; they get equal lists.
     */
    List<String> throttleKeys() {
        List<String> k = throttleKeys;
        if (k == null) {
            if (perClient) {
                k = Collections.singletonList(hasher.newHash().field("throttle").field(endpoint).field(client)
                        .field(null).finish());
            } else {
                k = keys("throttle", null);
            }
            throttleKeys = k;
        }
        return k;
    }

    /** Keys a provider's back-off is held under; a cooldown holds a request when any of them is held. */
    List<String> cooldownKeys() {
        List<String> k = cooldownKeys;
        if (k == null) {
            k = keys("cooldown", clientAuth(request, parsed));
            cooldownKeys = k;
        }
        return k;
    }

    private List<String> keys(String kind, String auth) {
        List<String> subjects = subjects();
        List<String> keys = new ArrayList<>(subjects.size());
        for (String subject : subjects) {
            keys.add(hasher.newHash().field(kind).field(endpoint).field(client).field(auth).field(subject).finish());
        }
        return Collections.unmodifiableList(keys);
    }

    /** Short salted hash of whom the limit counts: the user, or the client with limit-per=client (metrics' user tag). */
    String subjectHash() {
        String h = subjectHash;
        if (h == null) {
            String first = subjects().get(0);
            h = perClient || first == null ? hasher.shortHash(client) : hasher.shortHash(first);
            subjectHash = h;
        }
        return h;
    }

    /** Short salted hash of the user (or the client where there is no user), for events. */
    String userHash() {
        String h = userHash;
        if (h == null) {
            String user = parsed.value("username");
            h = hasher.shortHash(user == null ? client : user);
            userHash = h;
        }
        return h;
    }
}
