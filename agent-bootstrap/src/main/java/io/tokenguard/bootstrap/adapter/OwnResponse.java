package io.tokenguard.bootstrap.adapter;

import io.tokenguard.bootstrap.TokenHttpResponse;
import java.io.IOException;

/**
 * What one call's own upstream send got, as its client holds it: the client's own response, to hand
 * back when the guard serves this very answer, and the answer the guard got from it.
 * <ul>
 *   <li><em>whole</em>: the body ended within the bounds; the response reads it again from bytes (null
 *       when it could not be made: the answer is then served as a response built from the bytes);</li>
 *   <li><em>streaming</em>: only the first part was read (a truncated answer); the response reads that
 *       part, then the live rest;</li>
 *   <li><em>broken</em>: the body broke while it was read; the guard got the failure, the response
 *       reads what arrived, then the failure, where the app would have met it without the agent.</li>
 * </ul>
 *
 * @param <N> the client's own response type
 */
public final class OwnResponse<N> {
    private final N response;
    private final TokenHttpResponse answer;
    private final IOException failure;

    private OwnResponse(N response, TokenHttpResponse answer, IOException failure) {
        this.response = response;
        this.answer = answer;
        this.failure = failure;
    }

    public static <N> OwnResponse<N> whole(N response, TokenHttpResponse answer) {
        return new OwnResponse<>(response, answer, null);
    }

    /** @param prefix a {@link TokenHttpResponse#truncated() truncated} answer */
    public static <N> OwnResponse<N> streaming(N response, TokenHttpResponse prefix) {
        return new OwnResponse<>(response, prefix, null);
    }

    public static <N> OwnResponse<N> broken(N response, IOException failure) {
        return new OwnResponse<>(response, null, failure);
    }

    /** The client's own response; null for a whole answer it could not keep. */
    public N response() {
        return response;
    }

    /** The answer for the guard; null when broken. */
    public TokenHttpResponse answer() {
        return answer;
    }

    /** How the body broke, or null. */
    public IOException failure() {
        return failure;
    }

    /** The rest of the body is still on the client's connection. */
    boolean streaming() {
        return answer != null && answer.truncated();
    }

    /** This answer is this response's own prefix (the same bytes: the guard hands it back as is or served as upstream). */
    boolean holdsPrefix(TokenHttpResponse truncated) {
        return streaming() && response != null && truncated.body() == answer.body();
    }
}
