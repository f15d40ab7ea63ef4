package io.tokenguard.bootstrap;

import io.tokenguard.bootstrap.adapter.OnceAsyncUpstream;
import io.tokenguard.bootstrap.adapter.OnceUpstream;
import java.io.IOException;
import java.net.URL;
import java.util.concurrent.CompletableFuture;

/**
 * The static entry point instrumented code calls. Loaded by the bootstrap class loader so that
 * advice inlined into java.base and into any application class loader can see it. Until the agent
 * installs a delegate every call is a no-op, and every call is fail-open.
 */
public final class Bridge {
    private static volatile GuardDelegate delegate;

    private Bridge() {
    }

    public static void install(GuardDelegate guard) {
        delegate = guard;
    }

    public static GuardDelegate delegate() {
        return delegate;
    }

    /** Cheap check adapters use before doing any work: is this URL guarded? */
    public static boolean isTokenEndpoint(URL url) {
        GuardDelegate d = delegate;
        if (d == null || url == null) {
            return false;
        }
        try {
            return d.isTokenEndpoint(url.getProtocol(), url.getHost(), url.getPort(), url.getPath());
        } catch (Throwable t) {
            fault("match", t);
            return false;
        }
    }

    /**
     * Runs one exchange through the guard, fail-open: if the guard itself breaks, the request is
     * sent upstream as if TokenGuard were not there (and never twice).
     */
    public static TokenHttpResponse exchange(TokenHttpRequest request, Upstream upstream) throws IOException {
        OnceUpstream once = new OnceUpstream(upstream);
        GuardDelegate d = delegate;
        if (d == null) {
            return once.send();
        }
        try {
            return d.exchange(request, once);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            if (once.threw(t)) {
                // The client's own send failed (unchecked): that is its answer, not a fault of the guard's.
                if (t instanceof Error) {
                    throw (Error) t;
                }
                throw (RuntimeException) t;
            }
            fault("exchange", t);
            return once.send();
        }
    }

    /** {@link #exchange} for asynchronous clients: fail-open, never blocking, sent at most once. */
    public static CompletableFuture<TokenHttpResponse> exchangeAsync(TokenHttpRequest request, AsyncUpstream upstream) {
        OnceAsyncUpstream once = new OnceAsyncUpstream(upstream);
        GuardDelegate d = delegate;
        if (d == null) {
            return once.send();
        }
        try {
            CompletableFuture<TokenHttpResponse> f = d.exchangeAsync(request, once);
            return f != null ? f : once.send();
        } catch (Throwable t) {
            fault("exchange", t);
            return once.send();
        }
    }

    public static void fault(String stage, Throwable error) {
        GuardDelegate d = delegate;
        if (d != null) {
            try {
                d.fault(stage, error);
            } catch (Throwable ignored) {
                // Reporting a fault must never become one.
            }
        }
    }
}
