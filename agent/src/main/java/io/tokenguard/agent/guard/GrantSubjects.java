package io.tokenguard.agent.guard;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whom a token request is for, per grant: the subject a per-user limit counts and a cooldown holds.
 * A request never shares a subject with another user's request unless TokenGuard can tell they are
 * the same user:
 * <ul>
 * <li>password: the username, normalized (see {@link #normalizedUser}: an IdP may treat "Alice" and
 *     "alice" as one user, so they count as one: the stricter reading);</li>
 * <li>client_credentials: none, the client is the subject;</li>
 * <li>authorization_code, device_code, CIBA: the code itself (single-use, it is one user's sign-in);</li>
 * <li>refresh_token: the refresh token (a per-user credential);</li>
 * <li>jwt-bearer: the assertion's iss and sub (read, not verified; every duplicate), else the assertion; saml2-bearer:
 *     the assertion; token-exchange: the subject_token;</li>
 * <li>anything else: the username when there is one, else the request's own fingerprint (a
 *     request whose user cannot be told shares a bucket only with the very same request).</li>
 * </ul>
 * Every reading counts: a grant_type or username in both the query and the body, or repeated,
 * gives a subject for each.
 */
final class GrantSubjects {
    /**
     * Past this many readings a request is hostile: the first ones, the last one (many parsers take
     * the last duplicate) and its own fingerprint are counted. Small, so decoys cannot flood the
     * bounded bucket table.
     */
    private static final int MAX_READINGS = 4;
    /**
     * Every subject starts with NUL, its kind and ':' (kinds hold no ':'), so no value of one kind
     * can spell a subject of another: a username "\0code:c1" is "\0user:\0code:c1".
     */
    static final String USER = "\u0000user:";
    private static final String CODE = "\u0000code:";
    private static final String REFRESH = "\u0000refresh:";
    private static final String ASSERTION = "\u0000assertion:";
    private static final String ASSERTED = "\u0000asserted-by:";
    private static final String SUBJECT_TOKEN = "\u0000subject-token:";
    private static final String REQUEST = "\u0000request:";

    private GrantSubjects() {
    }

    /** The subjects, at least one; null stands for "the client itself". */
    static List<String> of(TokenRequest request, String fingerprint) {
        Set<String> subjects = new LinkedHashSet<>(2);
        Set<String> grants = request.grants();
        if (grants.isEmpty()) {
            add(null, request, fingerprint, subjects);
        }
        for (String grant : grants) {
            add(grant, request, fingerprint, subjects);
        }
        List<String> all = new ArrayList<>(subjects);
        if (all.size() > MAX_READINGS) {
            String last = all.get(all.size() - 1);
            all = new ArrayList<>(all.subList(0, MAX_READINGS - 1));
            all.add(last);
            all.add(REQUEST + fingerprint);
        }
        return Collections.unmodifiableList(all);
    }

    private static void add(String grant, TokenRequest request, String fingerprint, Set<String> into) {
        int before = into.size();
        if (grant == null) {
            users(request, into);
        } else {
            switch (grant) {
                case TokenRequest.CLIENT_CREDENTIALS:
                    into.add(null);
                    return;
                case TokenRequest.PASSWORD:
                    users(request, into);
                    break;
                case TokenRequest.AUTHORIZATION_CODE:
                    prefixed(CODE, request.readings("code"), into);
                    break;
                case TokenRequest.DEVICE_CODE:
                    prefixed(CODE, request.readings("device_code"), into);
                    break;
                case TokenRequest.CIBA:
                    prefixed(CODE, request.readings("auth_req_id"), into);
                    break;
                case TokenRequest.REFRESH_TOKEN:
                    prefixed(REFRESH, request.readings("refresh_token"), into);
                    break;
                case TokenRequest.JWT_BEARER:
                    for (String assertion : request.readings("assertion")) {
                        assertedSubjects(assertion, into);
                    }
                    break;
                case TokenRequest.SAML2_BEARER:
                    prefixed(ASSERTION, request.readings("assertion"), into);
                    break;
                case TokenRequest.TOKEN_EXCHANGE:
                    prefixed(SUBJECT_TOKEN, request.readings("subject_token"), into);
                    break;
                default:
                    users(request, into);
            }
        }
        if (into.size() == before) {
            into.add(REQUEST + fingerprint);
        }
    }

    /** Every iss × sub reading of the assertion (duplicate claims count each), else the assertion itself. */
    private static void assertedSubjects(String assertion, Set<String> into) {
        UnverifiedJwt jwt = UnverifiedJwt.read(assertion);
        if (jwt == null || jwt.issuers.isEmpty() && jwt.subs.isEmpty()) {
            into.add(ASSERTION + assertion);
            return;
        }
        List<String> issuers = jwt.issuers.isEmpty() ? Collections.singletonList(null) : jwt.issuers;
        List<String> subs = jwt.subs.isEmpty() ? Collections.singletonList(null) : jwt.subs;
        for (String iss : issuers) {
            for (String sub : subs) {
                into.add(ASSERTED + lengthPrefixed(iss) + lengthPrefixed(sub));
            }
        }
    }

    private static void users(TokenRequest request, Set<String> into) {
        for (String user : request.readings("username")) {
            into.add(USER + normalizedUser(user));
        }
    }

    /**
     * NFKC, then upper case, then lower case, then stripped of Unicode white space: spellings an IdP
     * may read as one user count as one ("Alice", "ALICE", "alıce" as .NET's ToUpperInvariant reads
     * it, final and medial sigma, "alice\u00a0").
     */
    static String normalizedUser(String user) {
        return Normalizer.normalize(user, Normalizer.Form.NFKC).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT)
                .strip();
    }

    private static void prefixed(String prefix, Set<String> values, Set<String> into) {
        for (String v : values) {
            into.add(prefix + v);
        }
    }

    private static String lengthPrefixed(String s) {
        return s == null ? "-" : s.length() + ":" + s;
    }

    /** Parameters whose presence makes a request single-use, whatever grant_type says (GitHub sends none). */
    private static final String[] ONE_TIME_PARAMETERS = {"code", "device_code", "auth_req_id"};
    /** Headers whose proof-of-possession JWT is one-time when it carries a jti (RFC 9449 §4.2). */
    private static final String[] PROOF_HEADERS = {"DPoP", "OAuth-Client-Attestation-PoP"};

    /**
     * Single-use grants are never answered from the cache: a replayed code is refused by the IdP
     * (RFC 6749 §4.1.2, which then revokes what the code gave), and so is a replayed one-time
     * assertion (a jti, RFC 7523 §3). Every reading counts. An assertion or proof whose signature
     * verified is the exception ({@code verified}: value as sent, or as its JSON string, to its reading):
     * its identity is its signer and claims without the jti, so a fresh one from the same signer is the
     * same request, answered with a token the IdP gave for an assertion it saw once.
     */
    static boolean singleUse(TokenRequest request, io.tokenguard.bootstrap.HttpHeaders headers,
                             java.util.Map<String, String> verified) {
        for (String grant : request.grants()) {
            if (TokenRequest.AUTHORIZATION_CODE.equals(grant) || TokenRequest.DEVICE_CODE.equals(grant)
                    || TokenRequest.CIBA.equals(grant)) {
                return true;
            }
        }
        for (String name : ONE_TIME_PARAMETERS) {
            if (!request.readings(name).isEmpty()) {
                return true;
            }
        }
        for (String name : PROOF_HEADERS) {
            if (oneTime(new LinkedHashSet<>(headers.all(name)), AssertionIdentities.DPOP_HEADER.equalsIgnoreCase(name)
                    ? verified : null, null)) {
                return true;
            }
        }
        return oneTime(request.readings(AssertionIdentities.ASSERTION), verifiedOf(AssertionIdentities.ASSERTION,
                request, verified), AssertionIdentities.ASSERTION)
                || oneTime(request.readings(AssertionIdentities.CLIENT_ASSERTION), verifiedOf(
                        AssertionIdentities.CLIENT_ASSERTION, request, verified), AssertionIdentities.CLIENT_ASSERTION);
    }

    /** The readings a parameter may count on: none unless that very parameter may be read by its claims. */
    private static java.util.Map<String, String> verifiedOf(String name, TokenRequest request,
                                                           java.util.Map<String, String> verified) {
        return verified != null && AssertionIdentities.readable(name, request) ? verified : null;
    }

    /**
     * Verified values of their own kind and name (a proof as a proof, an assertion as the parameter it was
     * read as) are not one-time; name is null for proof headers.
     */
    private static boolean oneTime(Set<String> assertions, java.util.Map<String, String> verified, String name) {
        for (String a : assertions) {
            if (verified != null && (name == null ? verified.containsKey(AssertionIdentities.proofKey(a))
                    : AssertionIdentities.readingOf(verified, name, a) != null)) {
                continue;
            }
            UnverifiedJwt jwt = UnverifiedJwt.read(a);
            if (jwt != null && jwt.jti != null) {
                return true;
            }
        }
        return false;
    }
}
