package io.tokenguard.it.bodies;

import java.io.IOException;
import java.io.InputStream;

/** One token request as an app made it through one client: its status, then its body as it streams. */
interface Opened {
    int status();

    InputStream body() throws IOException;

    /** Closes the response the way an app of this client stops reading an answer it no longer wants. */
    void close() throws IOException;

    /** Sends one token request (a small form) and returns once the client hands over the status. */
    interface Client {
        Opened post(String url, int readTimeoutMillis) throws Exception;
    }
}
