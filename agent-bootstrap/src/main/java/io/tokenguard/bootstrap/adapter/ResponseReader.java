package io.tokenguard.bootstrap.adapter;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.HttpHeaders;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TokenHttpResponse;
import io.tokenguard.bootstrap.body.BodyPrefix;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a blocking client's own response within the {@link BodyBounds}, written once for every
 * client whose body is an InputStream (HttpURLConnection, OkHttp, Apache classic): one per response,
 * over the client's own types. The body ends within the bounds: a whole answer, and the response reads
 * it again from bytes. It does not: a truncated answer, and the response reads the part read, then
 * the live rest. It breaks: the response reads what arrived, then the failure, and the guard gets the
 * failure. The client supplies the reading of status, headers and body, and the three responses.
 *
 * @param <N> the client's own response type
 */
public abstract class ResponseReader<N> {
    private static final byte[] NONE = new byte[0];

    protected abstract int status();

    /** The reason phrase, or null. */
    protected abstract String reason();

    protected abstract HttpHeaders headers();

    /** Whether the response has a body to read at all (an entity, a body object). */
    protected abstract boolean hasBody();

    /**
     * Makes what will hand the body over later, before a byte is read: if TokenGuard's own code cannot
     * be made (a class missing at run time), the app gets the response untouched.
     */
    protected abstract void prepare();

    /** The body stream, or null when there is none after all (then the answer is whole and empty). */
    protected abstract InputStream body() throws IOException;

    /** The response whose body is the part read ({@code prefix}'s body), then the live rest of {@code rest}. */
    protected abstract N followedBy(TokenHttpResponse prefix, InputStream rest);

    /** The response whose body is what arrived, then {@code failure} on the next read. */
    protected abstract N thenFailing(TokenHttpResponse arrived, IOException failure);

    /** The response whose body is the answer's, re-readable; the client's stream is closed already. */
    protected abstract N whole(TokenHttpResponse answer);

    /** The response as the client gave it. */
    protected abstract N untouched();

    /** Releases the response's connection (the body was read whole, or is not wanted). */
    protected abstract void close() throws IOException;

    /**
     * Reads the response. Throws what the client throws while the body is read (closing the response
     * first); never fails for TokenGuard's own reasons: then the app gets the response untouched.
     */
    public final OwnResponse<N> read(HttpClientKind client, BodyBounds bounds) throws IOException {
        int status = 0;
        String reason;
        HttpHeaders headers;
        try {
            status = status();
            reason = reason();
            headers = headers();
            if (!hasBody()) {
                close();
                return OwnResponse.whole(untouched(), answer(status, reason, headers, NONE, false));
            }
            prepare();
        } catch (RuntimeException | LinkageError e) {
            Bridge.fault(client.tag(), e);
            // Nothing read: the app gets the response untouched, which no other request can share.
            return OwnResponse.streaming(untouched(), answer(status, null, HttpHeaders.EMPTY, NONE, true));
        }
        InputStream in;
        BodyPrefix prefix;
        try {
            in = body();
            prefix = in == null ? null : BodyPrefix.read(in, bounds.limit(), bounds.waitMillis());
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly();
            throw e;
        }
        byte[] bytes = prefix == null ? NONE : prefix.bytes();
        if (prefix != null && prefix.truncated()) {
            // The rest stays on the connection: the app reads it from the client's own stream, and its
            // own close() releases the connection, as without the agent.
            TokenHttpResponse part = answer(status, reason, headers, bytes, true);
            return OwnResponse.streaming(followedBy(part, in), part);
        }
        if (prefix != null && prefix.failure() != null) {
            // Reset or read timeout mid-body: the app meets it on its body read, after what had arrived.
            return OwnResponse.broken(thenFailing(answer(status, reason, headers, bytes, false), prefix.failure()),
                    prefix.failure());
        }
        close();
        TokenHttpResponse whole = answer(status, reason, headers, bytes, false);
        N kept;
        try {
            kept = whole(whole);
        } catch (RuntimeException | LinkageError e) {
            Bridge.fault(client.tag(), e);
            kept = null; // the answer is still served, as a response built from the bytes
        }
        return OwnResponse.whole(kept, whole);
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException ignored) {
            // the failure that matters is already being thrown
        }
    }

    private static TokenHttpResponse answer(int status, String reason, HttpHeaders headers, byte[] body,
                                            boolean truncated) {
        return new TokenHttpResponse(status, reason, headers, body, ResponseSource.UPSTREAM, truncated);
    }
}
