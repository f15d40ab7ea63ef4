package io.tokenguard.agent.guard;

import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.catalog.LimitPer;
import io.tokenguard.agent.catalog.UrlPaths;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.TokenHttpRequest;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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
    private static final HeaderNames REPRESENTATION_HEADERS =
            HeaderNames.of(List.of("content-type", "accept", "accept-encoding"));

    private final IdentityHasher hasher;
    private final String fingerprint;
    private final String endpoint;
    private final String client;
    /** The endpoint as the server reads it, and the Host the app set (virtual-host tenants): whom keys belong to. */
    private final String keyEndpoint;
    /** Ids of the credential sources below the hook: they tell clients apart whose body names none. */
    private final String sourceIds;
    private final TokenHttpRequest request;
    private final TokenRequest parsed;
    private final List<String> identityHeaders;
    private final boolean perClient;
    /**
     * Verified readings of the request's assertions and DPoP proofs, under {@link AssertionIdentities#parameterKey}
     * (the parameter's name and its value as sent, typed for a JSON body) or
     * {@link AssertionIdentities#proofKey}; null when it has none (every request but these).
     */
    private final Map<String, String> jwtReadings;
    // Computed when first asked: a cache hit needs only the fingerprint; the rest is parsing and more HMACs.
    private List<String> subjects;
    private List<String> throttleKeys;
    private List<String> cooldownKeys;
    private String userHash;
    private String subjectHash;

    private RequestIdentity(IdentityHasher hasher, String fingerprint, String endpoint, String sourceIds,
                            TokenHttpRequest request, TokenRequest parsed, List<String> identityHeaders,
                            boolean perClient, Map<String, String> jwtReadings) {
        this.hasher = hasher;
        this.fingerprint = fingerprint;
        this.endpoint = endpoint;
        String host = request.headers().first("Host");
        this.keyEndpoint = host == null ? endpoint : endpoint + " host=" + host.trim().toLowerCase(Locale.ROOT);
        this.client = parsed.clientId();
        this.sourceIds = sourceIds;
        this.request = request;
        this.parsed = parsed;
        this.identityHeaders = identityHeaders;
        this.perClient = perClient;
        this.jwtReadings = jwtReadings;
    }

    static RequestIdentity of(IdentityHasher hasher, CredentialSources sources, AssertionIdentities assertions,
                              EndpointRule rule, TokenHttpRequest request, TokenRequest parsed,
                              List<String> identityHeaders) {
        // Before the fingerprint's hash starts: a reading's memo key is a hash of its own.
        Map<String, String> jwtReadings = jwtReadings(assertions, rule, request, parsed);
        String endpoint = canonicalEndpoint(request.url());
        String query = request.url().getQuery();
        // The method as sent: "post" is not "POST" to a server (RFC 9110 §9.1).
        // The userinfo of https://user:password@host is a credential (Apache 4.5 sends it as Basic).
        IdentityHasher.Builder fp = hasher.newHash().field("fingerprint").field(rule.id())
                .field(request.method()).field(endpoint).field(query).chars(request.url().getUserInfo());
        long[] headerHashes = foldedHashes(request.headers());
        addHeaders(fp, request.headers(), headerHashes, HeaderNames.of(identityHeaders), false, jwtReadings);
        addHeaders(fp, request.headers(), headerHashes, REPRESENTATION_HEADERS, true, null);
        fp.field(parsed.kind().name());
        if (parsed.parsed()) {
            // The order of different parameters does not change the answer; the values do, every
            // one of them with its JSON type, and so does the order of a repeated one.
            List<Map.Entry<String, List<String>>> byName = new ArrayList<>(parsed.body().entrySet());
            byName.sort(Map.Entry.comparingByKey());
            fp.field("params");
            for (Map.Entry<String, List<String>> e : byName) {
                fp.chars(e.getKey()).field(count(e.getValue().size()));
                boolean readable = jwtReadings != null && AssertionIdentities.readable(e.getKey(), parsed);
                for (String v : e.getValue()) {
                    String reading = readable ? jwtReadings.get(AssertionIdentities.parameterKey(e.getKey(), v)) : null;
                    if (reading != null) {
                        verified(fp, reading);
                    } else {
                        fp.chars(v);
                    }
                }
            }
        } else {
            fp.field("raw").bytes(request.body());
        }
        // What the client adds below the hook (an authenticator's answer, cookies, a client
        // certificate) is unknown here: only the very same objects may share an answer.
        Object[] below = request.credentialSources();
        String sourceIds = null;
        if (below.length > 0) {
            StringBuilder ids = new StringBuilder();
            for (Object source : below) {
                ids.append(sources.idOf(source)).append(',');
            }
            sourceIds = ids.toString();
        }
        fp.field("sources").field(sourceIds);
        return new RequestIdentity(hasher, fp.finish(), endpoint, sourceIds, request, parsed, identityHeaders,
                rule.limitPer() == LimitPer.CLIENT, jwtReadings);
    }

    /**
     * A verified reading in place of a value: an absent field first, which no value as sent can
     * write (a value always starts with its present marker), so no request can spell a reading by
     * sending its text (a key's thumbprint and an assertion's claims are no secret).
     */
    private static void verified(IdentityHasher.Builder fp, String reading) {
        fp.field((String) null).chars(reading);
    }

    /** The verified readings of the request's assertions and DPoP proofs, or null when none verifies. */
    private static Map<String, String> jwtReadings(AssertionIdentities assertions, EndpointRule rule,
                                                   TokenHttpRequest request, TokenRequest parsed) {
        if (!AssertionIdentities.reads(rule)) {
            return null;
        }
        Map<String, String> readings = null;
        if (parsed.parsed()) {
            readings = readParameter(AssertionIdentities.ASSERTION, assertions, rule, parsed, readings);
            readings = readParameter(AssertionIdentities.CLIENT_ASSERTION, assertions, rule, parsed, readings);
        }
        HttpHeaders headers = request.headers();
        int proofs = 0;
        for (int i = 0; i < headers.size() && proofs < AssertionIdentities.MAX_READ_PER_KIND; i++) {
            if (AssertionIdentities.DPOP_HEADER.equalsIgnoreCase(headers.name(i))) {
                proofs++;
                String reading = assertions.ofDpopProof(rule, headers.value(i), request.method(), request.url());
                if (reading != null) {
                    readings = readings == null ? new HashMap<>(4) : readings;
                    readings.put(AssertionIdentities.proofKey(headers.value(i)), reading);
                }
            }
        }
        return readings;
    }

    private static Map<String, String> readParameter(String name, AssertionIdentities assertions, EndpointRule rule,
                                                     TokenRequest parsed, Map<String, String> readings) {
        List<String> values = parsed.body().get(name);
        if (values == null || !AssertionIdentities.readable(name, parsed)) {
            return readings;
        }
        boolean typed = parsed.kind() == TokenRequest.BodyKind.JSON;
        int read = 0;
        for (String v : values) {
            if (++read > AssertionIdentities.MAX_READ_PER_KIND) {
                // A request with more is hostile: the rest count as their bytes, no signature check each.
                break;
            }
            if (typed && v.charAt(0) != TokenRequest.STRING) {
                continue;
            }
            String reading = assertions.ofAssertion(rule, typed ? v.substring(1) : v);
            if (reading != null) {
                readings = readings == null ? new HashMap<>(4) : readings;
                readings.put(AssertionIdentities.parameterKey(name, v), reading);
            }
        }
        return readings;
    }

    /** Small counts as text without a new string each (a fingerprint writes one per header name). */
    private static final String[] COUNTS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

    private static String count(int n) {
        return n < COUNTS.length ? COUNTS[n] : Integer.toString(n);
    }

    /**
     * Each header's values in order, after their count; walks the headers rather than listing them (a
     * cache hit's path). A header name is compared by its case-folded hash first: a request carries a
     * handful of headers and the fingerprint asks for a dozen names, and case-insensitive comparisons
     * of every pair were a tenth of a cache hit.
     */
    private static void addHeaders(IdentityHasher.Builder fp, HttpHeaders headers, long[] headerHashes,
                                   HeaderNames names, boolean fold, Map<String, String> jwtReadings) {
        for (int j = 0; j < names.size(); j++) {
            int n = 0;
            for (int i = 0; i < headerHashes.length; i++) {
                if (names.matches(j, headerHashes[i], headers.name(i))) {
                    n++;
                }
            }
            if (n == 0) {
                // Only the names present are written (in the list's order, each with its count): the
                // hash input halves, and a request with a header still never reads as one without it.
                continue;
            }
            fp.field(names.name(j)).field(count(n));
            boolean proofs = jwtReadings != null && AssertionIdentities.DPOP_HEADER.equals(names.name(j));
            for (int i = 0; i < headerHashes.length; i++) {
                if (names.matches(j, headerHashes[i], headers.name(i))) {
                    String reading = proofs ? jwtReadings.get(AssertionIdentities.proofKey(headers.value(i))) : null;
                    if (reading != null) {
                        verified(fp, reading);
                    } else {
                        fp.field(fold ? headers.value(i).trim().toLowerCase(Locale.ROOT) : headers.value(i));
                    }
                }
            }
        }
        // The end of this list (an absent field, never a name): what follows cannot read as one of its headers.
        fp.field((String) null);
    }

    private static long[] foldedHashes(HttpHeaders headers) {
        long[] hashes = new long[headers.size()];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = HeaderNames.foldedHash(headers.name(i));
        }
        return hashes;
    }

    /**
     * The client's own proof: every identity header (Authorization, X-Client-Secret, ...), the
     * client_secret values, the URL's userinfo and the credential sources. A cooldown a wrong
     * secret earned holds only that secret.
     */
    private String clientAuth() {
        StringBuilder b = new StringBuilder();
        for (String name : identityHeaders) {
            for (String v : request.headers().all(name)) {
                // A verified DPoP proof as its key: fresh proofs of one key are held by one cooldown.
                String reading = jwtReadings != null && AssertionIdentities.DPOP_HEADER.equals(name)
                        ? jwtReadings.get(AssertionIdentities.proofKey(v)) : null;
                if (reading != null) {
                    b.append(name).append("\u0000verified=").append(reading.length()).append(':').append(reading);
                } else {
                    b.append(name).append('=').append(v.length()).append(':').append(v);
                }
            }
        }
        for (String v : parsed.readings("client_secret")) {
            b.append("secret=").append(v.length()).append(':').append(v);
        }
        for (String v : parsed.readings(AssertionIdentities.CLIENT_ASSERTION)) {
            clientAssertion(b, v);
        }
        String userInfo = request.url().getUserInfo();
        if (userInfo != null) {
            b.append("userinfo=").append(userInfo.length()).append(':').append(userInfo);
        }
        if (sourceIds != null) {
            b.append("sources=").append(sourceIds);
        }
        return b.toString();
    }

    /**
     * A client assertion as the client it proves, fresh jti or not: its verified reading (signer and
     * claims), else its unverified iss and sub (a limit is only a count; a forger's cooldown, earned
     * with a key that does not verify, is then not the signer's), else its bytes.
     */
    private void clientAssertion(StringBuilder b, String v) {
        String reading = AssertionIdentities.readingOf(jwtReadings, AssertionIdentities.CLIENT_ASSERTION, v);
        if (reading != null) {
            b.append("client-assertion\u0000verified=").append(reading.length()).append(':').append(reading);
            return;
        }
        UnverifiedJwt jwt = UnverifiedJwt.read(v);
        if (jwt != null && (!jwt.issuers.isEmpty() || !jwt.subs.isEmpty())) {
            b.append("client-assertion\u0000claimed=");
            for (String iss : jwt.issuers) {
                b.append("iss=").append(iss.length()).append(':').append(iss);
            }
            for (String sub : jwt.subs) {
                b.append("sub=").append(sub.length()).append(':').append(sub);
            }
            return;
        }
        b.append("client-assertion=").append(v.length()).append(':').append(v);
    }

    /** The client as keys name it: its id, or where the request names none, its credential sources. */
    private String clientPart() {
        return client != null || sourceIds == null ? client : "\u0000sources:" + sourceIds;
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
        return GrantSubjects.singleUse(parsed, request.headers(), jwtReadings);
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
                k = Collections.singletonList(hasher.newHash().field("throttle").field(keyEndpoint)
                        .chars(clientPart()).field(null).finish());
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
            k = keys("cooldown", clientAuth());
            cooldownKeys = k;
        }
        return k;
    }

    private List<String> keys(String kind, String auth) {
        List<String> subjects = subjects();
        List<String> keys = new ArrayList<>(subjects.size());
        for (String subject : subjects) {
            keys.add(hasher.newHash().field(kind).field(keyEndpoint).chars(clientPart()).chars(auth).chars(subject)
                    .finish());
        }
        return Collections.unmodifiableList(keys);
    }

    /** Short salted hash of whom the limit counts: the user, or the client with limit-per=client (metrics' user tag). */
    String subjectHash() {
        String h = subjectHash;
        if (h == null) {
            String first = subjects().get(0);
            h = perClient || first == null ? hasher.shortHash(client)
                    : hasher.shortHash(first.startsWith(GrantSubjects.USER) ? first.substring(GrantSubjects.USER.length())
                    : first);
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
