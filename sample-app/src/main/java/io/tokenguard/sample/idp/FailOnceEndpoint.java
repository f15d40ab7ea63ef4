package io.tokenguard.sample.idp;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A token endpoint that is briefly unavailable: the first request after a reset gets
 * {@code 503} with {@code Retry-After: 0} (which OkHttp retries by itself, and an Apache retry strategy
 * may), every later one goes to the real endpoint.
 */
final class FailOnceEndpoint implements Endpoint {
    private final Endpoint delegate;
    private final AtomicBoolean failed = new AtomicBoolean();

    FailOnceEndpoint(Endpoint delegate) {
        this.delegate = delegate;
    }

    @Override
    public IdpReply handle(IdpRequest request) {
        if (failed.compareAndSet(false, true)) {
            return IdpReply.json(503, "{\"error\":\"temporarily_unavailable\"}").header("Retry-After", "0");
        }
        return delegate.handle(request);
    }

    void reset() {
        failed.set(false);
    }
}
