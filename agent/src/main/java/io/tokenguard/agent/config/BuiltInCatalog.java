package io.tokenguard.agent.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The token endpoints TokenGuard knows out of the box, written as default settings so that one
 * parser reads them and any key of any id can be overridden like any other setting.
 */
final class BuiltInCatalog {
    private BuiltInCatalog() {
    }

    static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        // Eloqua: one authorization-flow initiation per minute per user per app; refresh grants not limited.
        put(d, "eloqua", "url", "https://login.eloqua.com/auth/oauth2/token");
        put(d, "eloqua", "limit", "1/60s");
        put(d, "eloqua", "exempt-grants", "refresh_token");
        put(d, "eloqua", "default-ttl", "8h");
        // Twitter/X: unpublished limit answered with 403 + code 99; the app-only bearer has no expires_in.
        put(d, "twitter", "url", "https://api.twitter.com/oauth2/token,https://api.x.com/oauth2/token");
        put(d, "twitter", "default-ttl", "1h");
        put(d, "twitter", "lockout-status", "403");
        put(d, "twitter", "lockout-error-code", "99");
        put(d, "twitter", "cooldown", "15m");
        put(d, "okta", "url", "https://*.okta.com/oauth2/v1/token,https://*.okta.com/oauth2/*/v1/token,"
                + "https://*.oktapreview.com/oauth2/v1/token,https://*.oktapreview.com/oauth2/*/v1/token");
        put(d, "auth0", "url", "https://*.auth0.com/oauth/token,https://*.*.auth0.com/oauth/token");
        put(d, "entra", "url", "https://login.microsoftonline.com/*/oauth2/v2.0/token,"
                + "https://login.microsoftonline.com/*/oauth2/token");
        put(d, "google", "url", "https://oauth2.googleapis.com/token,https://www.googleapis.com/oauth2/v4/token,"
                + "https://accounts.google.com/o/oauth2/token");
        put(d, "keycloak", "url", "*://*/realms/*/protocol/openid-connect/token,"
                + "*://*/auth/realms/*/protocol/openid-connect/token");
        // Salesforce documents 3,600 logins per user per hour.
        put(d, "salesforce", "url", "https://login.salesforce.com/services/oauth2/token,"
                + "https://test.salesforce.com/services/oauth2/token,https://*.my.salesforce.com/services/oauth2/token");
        put(d, "salesforce", "limit", "3600/1h");
        put(d, "cognito", "url", "https://*.auth.*.amazoncognito.com/oauth2/token");
        // GitHub documents ten tokens per user/app/scope per hour.
        put(d, "github", "url", "https://github.com/login/oauth/access_token");
        put(d, "github", "limit", "10/1h");
        return d;
    }

    private static void put(Map<String, String> d, String id, String property, String value) {
        d.put(ConfigKeys.ENDPOINTS + "." + id + "." + property, value);
    }
}
