package io.tokenguard.bootstrap;

import java.util.concurrent.CompletableFuture;

/**
 * "Send the original request now", for clients with an asynchronous API (java.net.http sendAsync,
 * OkHttp enqueue): the answer arrives later and no thread waits for it.
 */
@FunctionalInterface
public interface AsyncUpstream {
    CompletableFuture<TokenHttpResponse> send();
}
