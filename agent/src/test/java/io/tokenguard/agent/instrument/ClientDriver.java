package io.tokenguard.agent.instrument;

import java.net.URL;

/**
 * A contract test's per-client part (OpenTelemetry's AbstractHttpClientTest has the same few methods):
 * one request through the client, either through TokenGuard's adapter as its patch calls it (guarded)
 * or straight to the client (bare), read into a {@link Reply}. A failure is a Reply too.
 */
public interface ClientDriver extends AutoCloseable {
    /** A form POST with this read (or response) timeout, as the client sets it; 0: none. */
    Reply post(URL url, String form, int timeoutMillis, boolean guarded) throws Exception;

    /** A GET, for the requests TokenGuard must leave as they are. */
    Reply get(URL url, boolean guarded) throws Exception;

    /** The client's own response type, which every answer it gets must be (a cache hit included). */
    Class<?> responseType();

    @Override
    default void close() throws Exception {
    }
}
