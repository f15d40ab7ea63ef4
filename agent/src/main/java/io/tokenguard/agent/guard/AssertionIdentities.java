package io.tokenguard.agent.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tokenguard.agent.catalog.AssertionIdentity;
import io.tokenguard.agent.catalog.EndpointRule;
import io.tokenguard.agent.jose.AssertionVerifier;
import io.tokenguard.agent.jose.DpopProofs;
import io.tokenguard.agent.jose.VerifiedJwt;
import java.net.MalformedURLException;
import java.net.URL;
import java.time.Duration;
import java.util.Set;

/**
 * What a signed assertion or a DPoP proof stands for in a request's identity: its verified reading
 * (see {@link AssertionVerifier}, {@link DpopProofs}) where the endpoint allows and the JWT verifies,
 * else nothing (null: the exact bytes count, as for any other parameter).
 *
 * <p>Only these are read so: a jwt-bearer grant's {@code assertion} (not when it relays someone
 * else's, on-behalf-of), a {@code client_assertion} of type jwt-bearer, the {@code DPoP} header.
 * Token exchange's {@code subject_token} and {@code actor_token}, and every other parameter, are
 * always exact bytes.
 *
 * <p>Readings are remembered per exact JWT (under its hash), so a JWT sent again costs a look-up,
 * not a signature check; a remembered reading is still refused once the JWT has expired.
 */
final class AssertionIdentities {
    static final String ASSERTION = "assertion";
    static final String CLIENT_ASSERTION = "client_assertion";
    static final String DPOP_HEADER = "dpop";
    private static final String JWT_CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** How far a DPoP proof's iat may be from now (RFC 9449 §11.1 leaves the window to the server). */
    static final long DPOP_WINDOW_SECONDS = 300;
    private static final int MEMO_ENTRIES = 10_000;
    /**
     * Values of one kind (one parameter, or DPoP headers) read per request; the rest count as their
     * bytes, so a request cannot make the guard check signatures without bound.
     */
    static final int MAX_READ_PER_KIND = 2;
    /** Stands for "does not verify" in the memo (a forger's retries cost a look-up, not a signature check). */
    private static final VerifiedJwt UNVERIFIABLE = null;

    private final IdentityHasher hasher;
    private final GuardClock clock;
    private final Cache<String, Reading> memo = Caffeine.newBuilder()
            .maximumSize(MEMO_ENTRIES)
            .expireAfterWrite(Duration.ofMinutes(10))
            // Maintenance on the calling thread: no pool threads of ours inside the host app.
            .executor(Runnable::run)
            .build();

    /** A remembered reading; jwt is null when the JWT did not verify. */
    private static final class Reading {
        final VerifiedJwt jwt;

        Reading(VerifiedJwt jwt) {
            this.jwt = jwt;
        }
    }

    AssertionIdentities(IdentityHasher hasher, GuardClock clock) {
        this.hasher = hasher;
        this.clock = clock;
    }

    /**
     * A reading's key in a request's readings: the kind and the value as sent. A parameter and a DPoP
     * header with the same bytes are different readings (a proof reads as its key only, an assertion
     * as its signer and claims), and each is looked up as its own kind.
     */
    static String parameterKey(String name, String value) {
        return "p\u0000" + name + "\u0000" + value;
    }

    static String proofKey(String value) {
        return "d\u0000" + value;
    }

    /**
     * The reading of a parameter value as {@link TokenRequest#readings} gives it (untyped), which a JSON
     * body's readings hold under its typed spelling; null when it has none.
     */
    static String readingOf(java.util.Map<String, String> readings, String name, String untyped) {
        if (readings == null) {
            return null;
        }
        String reading = readings.get(parameterKey(name, untyped));
        return reading != null ? reading : readings.get(parameterKey(name, TokenRequest.STRING + untyped));
    }

    /** Whether this body parameter of this request may be read by its claims at all. */
    static boolean readable(String name, TokenRequest request) {
        if (ASSERTION.equals(name)) {
            Set<String> grants = request.grants();
            return grants.size() == 1 && grants.contains(TokenRequest.JWT_BEARER)
                    // On-behalf-of (Entra: requested_token_use=on_behalf_of) relays a user's token: exact bytes.
                    && request.readings("requested_token_use").isEmpty();
        }
        if (CLIENT_ASSERTION.equals(name)) {
            Set<String> types = request.readings("client_assertion_type");
            return types.size() == 1 && types.contains(JWT_CLIENT_ASSERTION_TYPE);
        }
        return false;
    }

    /** Whether the rule reads assertions and proofs at all ({@code assertion-identity} other than exact). */
    static boolean reads(EndpointRule rule) {
        return rule.assertionIdentity() != AssertionIdentity.EXACT;
    }

    /** The identity text of an assertion parameter's value, or null to count its exact bytes; rule {@link #reads}. */
    String ofAssertion(EndpointRule rule, String value) {
        AssertionIdentity how = rule.assertionIdentity();
        long now = nowSeconds();
        String key = hasher.newHash().field("assertion-reading").field(rule.id()).field(how.name()).chars(value)
                .finish();
        Reading r = memo.get(key, k -> new Reading(how == AssertionIdentity.CLAIMS_UNVERIFIED
                ? AssertionVerifier.unverified(value, now)
                : AssertionVerifier.verified(value, rule.assertionKeys(), now)));
        return identityIfValid(r, now);
    }

    /** The identity text of a DPoP proof for this request, or null to count its exact bytes; rule {@link #reads}. */
    String ofDpopProof(EndpointRule rule, String proof, String method, URL url) {
        long now = nowSeconds();
        String endpoint = RequestIdentity.canonicalEndpoint(url);
        String key = hasher.newHash().field("dpop-reading").field(rule.id()).field(method).field(endpoint).chars(proof)
                .finish();
        Reading r = memo.get(key, k -> new Reading(DpopProofs.verified(proof, method,
                htu -> endpoint.equals(canonicalOrNull(htu)), now, DPOP_WINDOW_SECONDS)));
        return identityIfValid(r, now);
    }

    private static String identityIfValid(Reading r, long now) {
        return r.jwt == UNVERIFIABLE || r.jwt.expiresAtSeconds() <= now ? null : r.jwt.identity();
    }

    /** htu without its query and fragment (RFC 9449 §4.3), read as the request's URL is. */
    private static String canonicalOrNull(String htu) {
        try {
            URL u = new URL(htu);
            return u.getRef() != null || u.getQuery() != null ? RequestIdentity.canonicalEndpoint(
                    new URL(u.getProtocol(), u.getHost(), u.getPort(), u.getPath())) : RequestIdentity.canonicalEndpoint(u);
        } catch (MalformedURLException | RuntimeException e) {
            return null;
        }
    }

    private long nowSeconds() {
        return Math.floorDiv(clock.wallClockMillis(), 1000);
    }
}
