package io.tokenguard.sample;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The sample's accounts at the emulated IdP; fixtures, not secrets. */
final class Credentials {
    static final String ELOQUA_SITE = "SampleCo";
    static final String ELOQUA_CLIENT_ID = "sample-app-client";
    static final String ELOQUA_CLIENT_SECRET = "sample-app-secret";
    static final String DEFAULT_CONSUMER = "sample-consumer";

    private Credentials() {
    }

    static String defaultPassword(String user) {
        return user + "-pw";
    }

    /** The emulated IdP pairs every consumer key with {@code <key>-secret}. */
    static String consumerSecret(String consumerKey) {
        return consumerKey + "-secret";
    }

    static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }
}
