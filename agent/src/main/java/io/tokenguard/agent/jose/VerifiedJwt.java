package io.tokenguard.agent.jose;

/**
 * What a JWT is known by once it is verified: the text that stands for it in the identity (never
 * printed, it holds claims) and when it stops being valid.
 */
public final class VerifiedJwt {
    private final String identity;
    private final long expiresAtSeconds;

    VerifiedJwt(String identity, long expiresAtSeconds) {
        this.identity = identity;
        this.expiresAtSeconds = expiresAtSeconds;
    }

    /** The algorithm, the signing key's thumbprint and the claims that stay the same from request to request. */
    public String identity() {
        return identity;
    }

    /** Seconds since the epoch after which this reading no longer holds (Long.MAX_VALUE: until the proof's window ends). */
    public long expiresAtSeconds() {
        return expiresAtSeconds;
    }

    @Override
    public String toString() {
        return "VerifiedJwt[hidden]";
    }
}
