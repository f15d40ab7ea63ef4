package io.tokenguard.agent.guard;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the guard understood of one token request. Holds raw parameter values only for the lifetime
 * of the request; nothing here is ever logged or kept in a cache key.
 *
 * <p>JSON body values are kept typed (see {@link #STRING} and the other tags): a JSON {@code 600} and
 * {@code "600"}, or {@code null} and {@code "null"}, are different requests to an IdP. Form and query
 * values are all strings and kept as they are (a cache hit is mostly form bodies: no tag to add and
 * strip per value).
 */
final class TokenRequest {
    /** Grant tag values; bounded so metrics cardinality stays bounded. */
    static final String GRANT_NONE = "none";
    static final String GRANT_OTHER = "other";

    static final String AUTHORIZATION_CODE = "authorization_code";
    static final String REFRESH_TOKEN = "refresh_token";
    static final String PASSWORD = "password";
    static final String CLIENT_CREDENTIALS = "client_credentials";
    static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    static final String SAML2_BEARER = "urn:ietf:params:oauth:grant-type:saml2-bearer";
    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";
    static final String CIBA = "urn:openid:params:grant-type:ciba";

    /** Type tags, the first character of every stored body value. */
    static final char STRING = 's';
    static final char NUMBER = 'n';
    static final char BOOLEAN = 'b';
    static final char NULL = 'z';
    /** A nested JSON object or array, as its JSON text. */
    static final char NESTED = 'o';

    /** How the body was read: the same fields as JSON and as a form are different requests. */
    enum BodyKind { EMPTY, FORM, JSON, RAW }

    private final String grant;
    private final String clientId;
    private final Map<String, List<String>> query;
    private final Map<String, List<String>> body;
    private final BodyKind kind;

    /** @param basicUser the user name of a Basic Authorization header, which names the client when present */
    TokenRequest(String basicUser, Map<String, List<String>> query, Map<String, List<String>> body, BodyKind kind) {
        this.query = query;
        this.body = body;
        this.kind = kind;
        this.grant = value("grant_type");
        this.clientId = basicUser != null ? basicUser : value("client_id") != null ? value("client_id")
                : assertedClient(value("client_assertion"));
    }

    /** private_key_jwt without client_id: the client is the assertion's sub (= iss = client_id, RFC 7523 §3). */
    private static String assertedClient(String assertion) {
        UnverifiedJwt jwt = UnverifiedJwt.read(assertion);
        if (jwt == null) {
            return null;
        }
        return !jwt.subs.isEmpty() ? jwt.subs.get(0) : jwt.issuers.isEmpty() ? null : jwt.issuers.get(0);
    }

    /** The grant_type an IdP reads: the body's (RFC 6749 §4), else the query's; null when absent. */
    String grant() {
        return grant;
    }

    /** The client identifier (Basic user name or client_id parameter), or null. Not a secret. */
    String clientId() {
        return clientId;
    }

    /**
     * Every value a server might read for this parameter: the query's and the body's, each repeat
     * (TokenGuard reads the first, many parsers the last), untyped, in order, without duplicates.
     * Where a reading is ambiguous, limits count every one of these.
     */
    Set<String> readings(String name) {
        Set<String> all = new LinkedHashSet<>(2);
        addReadings(body, kind == BodyKind.JSON, name, all);
        addReadings(query, false, name, all);
        return all;
    }

    /** Names compared ignoring case: some servers (ASP.NET, IdentityServer) read USERNAME as username. */
    private static void addReadings(Map<String, List<String>> params, boolean typed, String name, Set<String> into) {
        addUntyped(params.get(name), typed, into);
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            if (!e.getKey().equals(name) && e.getKey().equalsIgnoreCase(name)) {
                addUntyped(e.getValue(), typed, into);
            }
        }
    }

    /** Every grant type a server might read (see {@link #readings}); empty when none was sent. */
    Set<String> grants() {
        return readings("grant_type");
    }

    /** The body's first value of the parameter, untyped, else the query's; null when absent. */
    String value(String name) {
        String v = first(body, kind == BodyKind.JSON, name);
        return v != null ? v : first(query, false, name);
    }

    /** Body parameters, names as sent, values decoded (typed for a JSON body), in order. */
    Map<String, List<String>> body() {
        return body;
    }

    BodyKind kind() {
        return kind;
    }

    /** False when the body was neither a form nor a flat JSON object; the raw bytes then identify it. */
    boolean parsed() {
        return kind != BodyKind.RAW;
    }

    private static String first(Map<String, List<String>> params, boolean typed, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : typed ? untyped(values.get(0)) : values.get(0);
    }

    private static void addUntyped(List<String> values, boolean typed, Set<String> into) {
        if (values != null) {
            for (String v : values) {
                into.add(typed ? untyped(v) : v);
            }
        }
    }

    private static String untyped(String typed) {
        return typed.substring(1);
    }

    /** A bounded label for the grant, for metrics and events. */
    String grantTag() {
        return tagOf(grant);
    }

    static String tagOf(String grant) {
        if (grant == null || grant.isEmpty()) {
            return GRANT_NONE;
        }
        switch (grant) {
            case PASSWORD:
            case CLIENT_CREDENTIALS:
            case REFRESH_TOKEN:
            case AUTHORIZATION_CODE:
            case "implicit":
                return grant;
            case JWT_BEARER:
                return "jwt_bearer";
            case SAML2_BEARER:
                return "saml2_bearer";
            case TOKEN_EXCHANGE:
                return "token_exchange";
            case DEVICE_CODE:
                return "device_code";
            case CIBA:
                return "ciba";
            default:
                return GRANT_OTHER;
        }
    }
}
