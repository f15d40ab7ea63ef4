package io.tokenguard.agent.guard;

import java.util.List;
import java.util.Map;

/**
 * What the guard understood of one token request. Holds raw parameter values only for the lifetime
 * of the request; nothing here is ever logged or kept in a cache key.
 */
final class TokenRequest {
    /** Grant tag values; bounded so metrics cardinality stays bounded. */
    static final String GRANT_NONE = "none";
    static final String GRANT_OTHER = "other";

    private final String grant;
    private final String clientId;
    private final String user;
    private final Map<String, List<String>> params;
    private final boolean parsed;

    TokenRequest(String grant, String clientId, String user, Map<String, List<String>> params, boolean parsed) {
        this.grant = grant;
        this.clientId = clientId;
        this.user = user;
        this.params = params;
        this.parsed = parsed;
    }

    /** The grant_type as sent (null when absent). */
    String grant() {
        return grant;
    }

    /** The client identifier (Basic user name or client_id parameter), or null. Not a secret. */
    String clientId() {
        return clientId;
    }

    /** The resource owner (username parameter), or null when the grant has none. */
    String user() {
        return user;
    }

    /** Every body (and query) parameter, names as sent, values decoded, in order. */
    Map<String, List<String>> params() {
        return params;
    }

    /** False when the body was neither a form nor a flat JSON object; the raw bytes then identify it. */
    boolean parsed() {
        return parsed;
    }

    /** A bounded label for the grant, for metrics and events. */
    String grantTag() {
        if (grant == null || grant.isEmpty()) {
            return GRANT_NONE;
        }
        switch (grant) {
            case "password":
            case "client_credentials":
            case "refresh_token":
            case "authorization_code":
            case "implicit":
                return grant;
            case "urn:ietf:params:oauth:grant-type:jwt-bearer":
                return "jwt_bearer";
            case "urn:ietf:params:oauth:grant-type:saml2-bearer":
                return "saml2_bearer";
            case "urn:ietf:params:oauth:grant-type:token-exchange":
                return "token_exchange";
            case "urn:ietf:params:oauth:grant-type:device_code":
                return "device_code";
            default:
                return GRANT_OTHER;
        }
    }
}
