package io.tokenguard.bootstrap;

import java.io.IOException;

/**
 * "Send the original request now": implemented by each adapter with its client's own machinery.
 * The guard calls it at most once per exchange.
 */
@FunctionalInterface
public interface Upstream {
    TokenHttpResponse send() throws IOException;
}
