package io.tokenguard.sample.idp;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Issued tokens. Every password grant starts a family; refresh grants rotate inside it, and
 * replaying a spent refresh token revokes the whole family, as OAuth 2.0 Security BCP advises.
 */
final class TokenStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Every token this IdP issues starts with {@link EmulatedIdp#TOKEN_MARKER}, so a test can grep any
     * output for all of them at once (a leak would show the marker).
     */
    static final String ACCESS_TOKEN_MARKER = EmulatedIdp.TOKEN_MARKER + "at-";
    static final String REFRESH_TOKEN_MARKER = EmulatedIdp.TOKEN_MARKER + "rt-";

    /** Whose token it is. */
    static final class Owner {
        final String provider;
        final String user;
        final String client;
        private boolean revoked;

        Owner(String provider, String user, String client) {
            this.provider = provider;
            this.user = user;
            this.client = client;
        }
    }

    /** A fresh access/refresh pair. */
    static final class Pair {
        final String accessToken;
        final String refreshToken;

        Pair(String accessToken, String refreshToken) {
            this.accessToken = accessToken;
            this.refreshToken = refreshToken;
        }
    }

    enum RefreshResult { OK, UNKNOWN, WRONG_CLIENT, REUSED, REVOKED }

    /** Outcome of a refresh grant; {@code pair} is set only for OK. */
    static final class Refreshed {
        final RefreshResult result;
        final Pair pair;

        Refreshed(RefreshResult result, Pair pair) {
            this.result = result;
            this.pair = pair;
        }
    }

    private static final class Access {
        final Owner owner;
        final long expiresAtMillis;

        Access(Owner owner, long expiresAtMillis) {
            this.owner = owner;
            this.expiresAtMillis = expiresAtMillis;
        }
    }

    private static final class Refresh {
        final Owner owner;
        boolean used;

        Refresh(Owner owner) {
            this.owner = owner;
        }
    }

    private final Map<String, Access> access = new HashMap<>();
    private final Map<String, Refresh> refresh = new HashMap<>();

    synchronized Pair issueFamily(String provider, String user, String client, long expiresAtMillis) {
        return issue(new Owner(provider, user, client), expiresAtMillis);
    }

    synchronized Refreshed refresh(String client, String refreshToken, long expiresAtMillis) {
        Refresh r = refreshToken == null ? null : refresh.get(refreshToken);
        if (r == null) {
            return new Refreshed(RefreshResult.UNKNOWN, null);
        }
        if (!r.owner.client.equals(client)) {
            return new Refreshed(RefreshResult.WRONG_CLIENT, null);
        }
        if (r.used) {
            r.owner.revoked = true;
            return new Refreshed(RefreshResult.REUSED, null);
        }
        if (r.owner.revoked) {
            return new Refreshed(RefreshResult.REVOKED, null);
        }
        r.used = true;
        return new Refreshed(RefreshResult.OK, issue(r.owner, expiresAtMillis));
    }

    /** The user a refresh token was issued to, for per-user counting; null if unknown. */
    synchronized String userOfRefreshToken(String refreshToken) {
        Refresh r = refreshToken == null ? null : refresh.get(refreshToken);
        return r == null ? null : r.owner.user;
    }

    /** Twitter bearers never expire and are re-registered on every grant. */
    synchronized void registerBearer(String consumerKey, String bearer) {
        Access existing = access.get(bearer);
        if (existing == null || existing.owner.revoked) {
            access.put(bearer, new Access(new Owner("twitter", consumerKey, consumerKey), Long.MAX_VALUE));
        }
    }

    /** Every access (and bearer) and refresh token issued so far. */
    synchronized java.util.List<String> issued() {
        java.util.List<String> all = new java.util.ArrayList<>(access.keySet());
        all.addAll(refresh.keySet());
        return all;
    }

    /** The owner of a usable access token, or null if unknown, expired or revoked. */
    synchronized Owner validate(String token, long nowMillis) {
        Access a = token == null ? null : access.get(token);
        if (a == null || a.owner.revoked || nowMillis >= a.expiresAtMillis) {
            return null;
        }
        return a.owner;
    }

    private Pair issue(Owner owner, long expiresAtMillis) {
        String at = randomToken(ACCESS_TOKEN_MARKER);
        String rt = randomToken(REFRESH_TOKEN_MARKER);
        access.put(at, new Access(owner, expiresAtMillis));
        refresh.put(rt, new Refresh(owner));
        return new Pair(at, rt);
    }

    private static String randomToken(String marker) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return marker + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
