package io.tokenguard.agent.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A number per live credential source (an authenticator, a cookie store, a TLS key manager, a client
 * object...): the fingerprint holds the number, so two requests share an answer only when the very
 * same objects could add credentials below TokenGuard's hook. Weak keys compare by identity (never
 * by an app's equals) and let a source be collected; a number is never given out twice.
 */
final class CredentialSources {
    private final AtomicLong next = new AtomicLong();
    private final Cache<Object, Long> ids = Caffeine.newBuilder()
            .weakKeys()
            // Maintenance on the calling thread: no pool threads of ours inside the host app.
            .executor(Runnable::run)
            .build();

    long idOf(Object source) {
        return ids.get(source, s -> next.incrementAndGet());
    }
}
