package io.tokenguard.bootstrap.adapter;

import io.tokenguard.bootstrap.Bridge;
import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.ResponseSource;
import io.tokenguard.bootstrap.TestFaults;
import io.tokenguard.bootstrap.TokenHttpRequest;
import io.tokenguard.bootstrap.TokenHttpResponse;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One guarded call of an asynchronous client (java.net.http {@code sendAsync}, Apache 5 async): the
 * flow of {@link ClientExchange}, written once, and no thread ever waits. The adapter hands the caller
 * its own future at once ({@link #started}); the guard's answer arrives later, on whichever thread
 * completes it, and reaches the caller through the client's own machinery: its BodyHandler, its
 * consumer and callback. A client supplies what differs: read its request, send it with a capture of
 * its own response ({@link #send}), tell that capture's prefix and failure from any other, and the
 * four ways to complete the caller's future ({@link #deliver}, {@link #handOver}, {@link #fail},
 * {@link #sendUnguarded}).
 *
 * @param <F> what the adapter hands the caller: its future
 */
public abstract class AsyncClientExchange<F> extends ClientExchange {
    private volatile boolean sent;

    protected AsyncClientExchange(HttpClientKind client, GuardDelegate guard) {
        super(client, guard);
    }

    // ---------------------------------------------------------------- what a client supplies

    /** As {@link BlockingClientExchange#request}: the request for {@link #client()}, or null to pass untouched. */
    protected abstract TokenHttpRequest request(int captureMaxBytes) throws Throwable;

    /** Lets the call proceed as without TokenGuard: null for the client's own method to go on. */
    protected abstract F proceed();

    /** The caller's future, completed later by one of the completions below. */
    protected abstract F started();

    /**
     * Sends this call's own request (an inner hooked call passes untouched) with a capture that reads
     * its response within the bounds: the future is the answer for the guard, whole or truncated, or
     * fails with what the send or the body failed with.
     */
    protected abstract CompletableFuture<TokenHttpResponse> send(BodyBounds bounds);

    /** This truncated answer is this call's own capture's prefix. */
    protected abstract boolean isOwnPrefix(TokenHttpResponse truncated);

    /** This failure is this call's own body breaking after its status and headers arrived. */
    protected abstract boolean isOwnBodyFailure(Throwable failure);

    /** Completes the caller with this call's own response as it streams on (or breaks), from the capture. */
    protected abstract void handOver() throws Exception;

    /** The rest of this call's own body, if any was left unread, is not needed: its connection goes. */
    protected abstract void discardOwn();

    /**
     * Completes the caller with a whole answer, through the client's own machinery. Throws only for
     * TokenGuard's own faults; what the app's own handler or consumer throws fails the caller.
     */
    protected abstract void deliver(TokenHttpResponse answer) throws Exception;

    /** Fails the caller as its client would fail it with this. */
    protected abstract void fail(Throwable failure);

    /** Completes the caller by sending its request unguarded (nothing was sent for it). */
    protected abstract void sendUnguarded();

    // ---------------------------------------------------------------- the flow

    /** Starts the call through the guard; never throws, never blocks. */
    public final F run() {
        TokenHttpRequest request;
        BodyBounds bounds;
        F future;
        try {
            request = request(guard.captureMaxBytes());
            if (request == null) {
                return proceed();
            }
            bounds = BodyBounds.of(guard, request.timeoutMillis());
            future = started();
        } catch (Throwable t) {
            fault(t);
            return proceed();
        }
        Bridge.exchangeAsync(request, () -> sendOwn(bounds)).whenComplete(this::answered);
        return future;
    }

    /** Whether this call's own request went upstream. */
    protected final boolean sent() {
        return sent;
    }

    private CompletableFuture<TokenHttpResponse> sendOwn(BodyBounds bounds) {
        sent = true;
        CallDepth depth = CallDepth.forClient(client);
        depth.getAndIncrement();
        try {
            return send(bounds);
        } finally {
            depth.decrementAndGet();
        }
    }

    private void answered(TokenHttpResponse answer, Throwable error) {
        try {
            if (error != null) {
                Throwable cause = unwrap(error);
                if (isOwnBodyFailure(cause)) {
                    // As without the agent: the status and headers, the part that arrived, then the failure.
                    handOver();
                    return;
                }
                discardOwn();
                fail(cause);
                return;
            }
            if (answer == null) {
                throw new IllegalStateException("the guard answered null");
            }
            if (answer.truncated()) {
                if (isOwnPrefix(answer)) {
                    // The client's own response: the part read, then the live rest.
                    handOver();
                    return;
                }
                // Only this call's own answer can be a prefix; without its rest it must not reach the caller.
                discardOwn();
                fail(new IOException("TokenGuard lost the rest of the response"));
                return;
            }
            // Whatever answers this call, the rest of its own body (if it was left unread) is not needed.
            discardOwn();
            if (sent && answer.source() == ResponseSource.UPSTREAM) {
                deliver(answer);
                return;
            }
        } catch (Throwable t) {
            // Our own fault while answering: never sent twice, so a call that went upstream fails.
            fault(t);
            fallBack(t, "TokenGuard failed while reading the response");
            return;
        }
        try {
            TestFaults.check(TestFaults.SYNTHETIC);
            deliver(answer);
        } catch (Throwable t) {
            syntheticFault(t);
            fallBack(t, "TokenGuard could not build the response");
        }
    }

    private void fallBack(Throwable t, String message) {
        try {
            discardOwn();
            if (sent) {
                fail(new IOException(message, t));
            } else {
                // Nothing was sent for this call: it goes upstream itself, as without TokenGuard.
                sendUnguarded();
            }
        } catch (Throwable again) {
            fault(again);
            fail(new IOException(message, again));
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
