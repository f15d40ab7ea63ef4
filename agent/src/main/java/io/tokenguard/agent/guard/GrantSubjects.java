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
 * <li>password: the username, trimmed, NFKC, lower case (an IdP may treat "Alice" and "alice" as one
 *     user, so they count as one: the stricter reading);</li>
 * <li>client_credentials: none, the client is the subject;</li>
 * <li>authorization_code, device_code, CIBA: the code itself (single-use, it is one user's sign-in);</li>
 * <li>refresh_token: the refresh token (a per-user credential);</li>
 * <li>jwt-bearer: the assertion's iss and sub (read, not verified), else the assertion; saml2-bearer:
 *     the assertion; token-exchange: the subject_token;</li>
 * <li>anything else: the username when there is one, else the request's own fingerprint (a
 *     request whose user cannot be told shares a bucket only with the very same request).</li>
 * </ul>
 * Every reading counts: a grant_type or username in both the query and the body, or repeated,
 * gives a subject for each.
 */
final class GrantSubjects {
    /** Past this many readings a request is hostile: its own fingerprint is counted as well. */
    private static final int MAX_READINGS = 16;
    /** Non-user subjects start with NUL, which no username an IdP accepts contains. */
    private static final String CODE = "\u0000code:";
    private static final String REFRESH = "\u0000refresh:";
    private static final String ASSERTION = "\u0000assertion:";
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
            all = new ArrayList<>(all.subList(0, MAX_READINGS));
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
                        UnverifiedJwt jwt = UnverifiedJwt.read(assertion);
                        into.add(jwt == null || jwt.iss == null && jwt.sub == null ? ASSERTION + assertion
                                : ASSERTION + lengthPrefixed(jwt.iss) + lengthPrefixed(jwt.sub));
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

    private static void users(TokenRequest request, Set<String> into) {
        for (String user : request.readings("username")) {
            into.add(normalizedUser(user));
        }
    }

    /** Trimmed, NFKC, lower case: spellings an IdP may read as one user count as one. */
    static String normalizedUser(String user) {
        return Normalizer.normalize(user.trim(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    private static void prefixed(String prefix, Set<String> values, Set<String> into) {
        for (String v : values) {
            into.add(prefix + v);
        }
    }

    private static String lengthPrefixed(String s) {
        return s == null ? "-" : s.length() + ":" + s;
    }

    /**
     * Single-use grants are never answered from the cache: a replayed code is refused by the IdP
     * (RFC 6749 §4.1.2, which then revokes what the code gave), and so is a replayed one-time
     * assertion (a jti, RFC 7523 §3). Every reading counts.
     */
    static boolean singleUse(TokenRequest request) {
        for (String grant : request.grants()) {
            if (TokenRequest.AUTHORIZATION_CODE.equals(grant) || TokenRequest.DEVICE_CODE.equals(grant)
                    || TokenRequest.CIBA.equals(grant)) {
                return true;
            }
        }
        return oneTime(request.readings("assertion")) || oneTime(request.readings("client_assertion"));
    }

    private static boolean oneTime(Set<String> assertions) {
        for (String a : assertions) {
            UnverifiedJwt jwt = UnverifiedJwt.read(a);
            if (jwt != null && jwt.jti != null) {
                return true;
            }
        }
        return false;
    }
}
