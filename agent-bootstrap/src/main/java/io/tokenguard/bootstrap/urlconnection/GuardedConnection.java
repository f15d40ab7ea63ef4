package io.tokenguard.bootstrap.urlconnection;

/** Marker for TokenGuard's connection wrappers, so a wrapper is never wrapped again. */
public interface GuardedConnection {
}
