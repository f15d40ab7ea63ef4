package io.tokenguard.bootstrap.adapter;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TestFaults;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.io.IOException;

/**
 * One guarded call of a blocking client (HttpURLConnection, OkHttp's {@code execute} and
 * {@code enqueue} interceptor chain, Apache classic): the flow of {@link ClientExchange}, written once.
 * A client supplies only what differs: read its request ({@link #request}), send it and read its
 * response within the bounds ({@link #send}, mostly through a {@link ResponseReader}), build its own
 * response from an answer it did not fetch ({@link #synthetic}), and let the call proceed untouched
 * ({@link #proceed}).
 *
 * @param <N> the client's own response type, what the adapter hands back
 */
public abstract class BlockingClientExchange<N> extends ClientExchange {
    private boolean sent;
    private OwnResponse<N> own;
    private Throwable clientsOwn;

    protected BlockingClientExchange(HttpClientKind client, GuardDelegate guard) {
        super(client, guard);
    }

    // ---------------------------------------------------------------- what a client supplies

    /**
     * The request as the client will send it, for {@link #client()}, its body read if it fits the
     * capture limit; null when it must pass untouched (a body over the limit, one-shot, a credential
     * source that cannot be read). A throw is a fault: the call passes untouched.
     */
    protected abstract TokenHttpRequest request(int captureMaxBytes) throws Throwable;

    /**
     * Sends this call's request with the client's own machinery (an inner hooked call passes untouched)
     * and reads its response within the bounds. Throws what the client throws.
     */
    protected abstract OwnResponse<N> send(BodyBounds bounds) throws IOException;

    /** The client's own response type for an answer this call did not fetch itself (cache, coalesced, local). */
    protected abstract N synthetic(TokenHttpResponse answer) throws Exception;

    /** Lets the call proceed as without TokenGuard (for an answer-first hook: null). */
    protected abstract N proceed() throws IOException;

    /** Sends the request unguarded after its body was read for the guard; by default {@link #proceed}. */
    protected N sendUnguarded() throws IOException {
        return proceed();
    }

    /** Releases this call's own response, left unread because another answer is served (its rest streams). */
    protected void release(N streaming) {
    }

    // ---------------------------------------------------------------- the flow

    /**
     * Runs the call through the guard. Throws what the client or the provider threw (an unchecked
     * failure of the client's as a {@link ClientFailure}), or a waiting caller's timeout; never
     * TokenGuard's own faults.
     */
    public final N run() throws IOException {
        TokenHttpRequest request;
        BodyBounds bounds;
        try {
            request = request(guard.captureMaxBytes());
            if (request == null) {
                return proceed();
            }
            bounds = BodyBounds.of(guard, request.timeoutMillis());
        } catch (IOException e) {
            // The client's own request body failed to read: as it would have failed when sent.
            throw e;
        } catch (Throwable t) {
            fault(t);
            return proceed();
        }
        TokenHttpResponse answer;
        try {
            answer = Bridge.exchange(request, () -> sendOwn(bounds));
            if (answer == null) {
                throw new IllegalStateException("the guard answered null");
            }
        } catch (IOException e) {
            if (own != null && e == own.failure()) {
                // As without the agent: the status and headers, then the body breaks where it broke.
                return own.response();
            }
            releaseOwn();
            throw e;
        } catch (Throwable t) {
            if (t == clientsOwn) {
                throw new ClientFailure(t);
            }
            fault(t);
            return fallBack(t);
        }
        return serve(answer);
    }

    private N serve(TokenHttpResponse answer) throws IOException {
        if (answer.truncated()) {
            if (own != null && own.holdsPrefix(answer)) {
                return own.response();
            }
            // Only this call's own answer can be a prefix; without its rest it must not reach the app.
            IllegalStateException lost = new IllegalStateException("a truncated answer this call did not read");
            fault(lost);
            return fallBack(lost);
        }
        if (own != null && own.response() != null && answer.source() == ResponseSource.UPSTREAM) {
            // The client's own response: nothing to build, so nothing can fail once sent.
            return own.response();
        }
        N served;
        try {
            TestFaults.check(TestFaults.SYNTHETIC);
            served = synthetic(answer);
        } catch (Throwable t) {
            syntheticFault(t);
            return fallBack(t);
        }
        releaseOwn();
        return served;
    }

    /**
     * A fault of TokenGuard's once the exchange started: whatever the client can give without sending
     * twice. Not sent yet: it goes upstream itself, as without TokenGuard. Sent: its own response.
     */
    private N fallBack(Throwable t) throws IOException {
        if (!sent) {
            return sendUnguarded();
        }
        if (own != null && own.response() != null) {
            return own.response();
        }
        throw new IOException("TokenGuard failed while reading the response", t);
    }

    /** The upstream of this exchange: sends once (the guard's Bridge sees to that), remembers the response. */
    private TokenHttpResponse sendOwn(BodyBounds bounds) throws IOException {
        sent = true;
        CallDepth depth = CallDepth.forClient(client);
        depth.getAndIncrement();
        try {
            own = send(bounds);
        } catch (RuntimeException | Error e) {
            clientsOwn = e;
            throw e;
        } finally {
            depth.decrementAndGet();
        }
        if (own.failure() != null) {
            throw own.failure();
        }
        return own.answer();
    }

    private void releaseOwn() {
        if (own != null && own.streaming()) {
            try {
                release(own.response());
            } catch (RuntimeException | LinkageError e) {
                fault(e);
            }
        }
    }
}
