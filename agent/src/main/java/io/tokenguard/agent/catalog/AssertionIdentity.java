package io.tokenguard.agent.catalog;

/**
 * How a signed JWT assertion (jwt-bearer grant, private_key_jwt) and a DPoP proof count in the
 * identity of a token request ({@code tokenguard.endpoints.<id>.assertion-identity}).
 */
public enum AssertionIdentity {
    /**
     * By its claims minus the per-request ones, its alg and its key's thumbprint when its signature
     * verifies under a key TokenGuard may trust; by its exact bytes otherwise.
     */
    VERIFIED,
    /** Always by its exact bytes: no two assertions with different jti ever share an answer. */
    EXACT,
    /**
     * By its claims without checking who signed it (the operator accepts the risk): any code in the
     * process that can mint an assertion with the same claims is served the token.
     */
    CLAIMS_UNVERIFIED
}
