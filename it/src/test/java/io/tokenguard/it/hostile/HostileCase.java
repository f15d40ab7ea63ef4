package io.tokenguard.it.hostile;

import java.util.List;

/**
 * One hostile-input case of the black-box corpus: the requests the app makes (two attempts, with the
 * same client and timeouts, in a child JVM with and one without the agent), how the hostile IdP
 * answers them, and what the agent may do differently.
 *
 * @param id          also the last path segment: {@code /hostile/<id>}
 * @param client      {@code urlconnection}, {@code jdkhttp} (BodyHandlers.ofByteArray) or
 *                    {@code jdkhttp-stream} (BodyHandlers.ofInputStream)
 * @param readTimeout the app's own read (urlconnection) or request (jdkhttp) timeout, in ms
 * @param attempts    the two requests, in order
 * @param responder   how the IdP answers (runs in the test JVM only)
 * @param agentHits   upstream calls expected with the agent (without it, every attempt is one)
 * @param deviation   the documented difference the agent makes, if any
 */
record HostileCase(String id, String client, int readTimeout, List<Request> attempts, Responder responder,
                   int agentHits, Deviation deviation) {

    enum Upload {
        /** HttpURLConnection's default: buffered, sent with Content-Length. */
        BUFFERED,
        /** setChunkedStreamingMode: Transfer-Encoding: chunked. */
        CHUNKED,
        /** setFixedLengthStreamingMode. */
        FIXED
    }

    /** What the agent may change, as documented in the README (Known limits). */
    enum Deviation {
        NONE,
        /** The second attempt is answered locally during the provider's cooldown (X-TokenGuard: cooldown). */
        COOLDOWN
    }

    /** @param body null: no body at all (no doOutput / no publisher) */
    record Request(String method, String query, String contentType, byte[] body, Upload upload) {
        String pathAndQuery(String id) {
            return "/hostile/" + id + (query == null ? "" : "?" + query);
        }
    }

    @Override
    public String toString() {
        return client + " " + id;
    }

    /** The IdP side of a case. */
    @FunctionalInterface
    interface Responder {
        void respond(HostileIdp.Exchange exchange) throws Exception;
    }

    static List<Request> twice(Request r) {
        return List.of(r, r);
    }
}
