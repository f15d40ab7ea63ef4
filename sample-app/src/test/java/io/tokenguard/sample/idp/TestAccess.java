package io.tokenguard.sample.idp;

/** Lets tests in other packages see what the IdP would issue. */
public final class TestAccess {
    private TestAccess() {
    }

    public static String twitterBearer(String consumerKey) {
        return TwitterTokenEndpoint.bearerFor(consumerKey);
    }
}
