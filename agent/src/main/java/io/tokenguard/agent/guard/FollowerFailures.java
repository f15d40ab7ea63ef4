package io.tokenguard.agent.guard;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/**
 * A follower must fail the way its own request would have: same exception type and message as
 * the leader's, but a fresh instance with the follower's own stack (the leader's is the cause).
 */
final class FollowerFailures {
    private FollowerFailures() {
    }

    static IOException copyOf(IOException leader) {
        String message = leader.getMessage();
        IOException copy;
        if (leader instanceof SocketTimeoutException) {
            copy = new SocketTimeoutException(message);
        } else if (leader instanceof InterruptedIOException) {
            copy = new InterruptedIOException(message);
        } else if (leader instanceof ConnectException) {
            copy = new ConnectException(message);
        } else if (leader instanceof NoRouteToHostException) {
            copy = new NoRouteToHostException(message);
        } else if (leader instanceof UnknownHostException) {
            copy = new UnknownHostException(message);
        } else if (leader instanceof SSLException) {
            copy = new SSLException(message);
        } else if (leader instanceof SocketException) {
            copy = new SocketException(message);
        } else {
            copy = new IOException(message);
        }
        copy.initCause(leader);
        return copy;
    }

    /** What a follower sees when the leader took longer than the follower's own read timeout. */
    static SocketTimeoutException timedOut() {
        return new SocketTimeoutException("Read timed out");
    }

    /** An interruptible client's (OkHttp's) answer to an interrupt: its exception and message, the flag kept set. */
    static InterruptedIOException interrupted() {
        Thread.currentThread().interrupt();
        return new InterruptedIOException("interrupted");
    }

    /** What a JDK socket read on an interrupted virtual thread throws (it keeps the flag set). */
    static SocketException closedByInterrupt() {
        Thread.currentThread().interrupt();
        return new SocketException("Closed by interrupt");
    }
}
