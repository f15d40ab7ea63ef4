package io.tokenguard.agent.instrument.apache5;

import io.tokenguard.bootstrap.GuardDelegate;
import io.tokenguard.bootstrap.HttpClientKind;
import io.tokenguard.bootstrap.adapter.ClientExchange;
import io.tokenguard.bootstrap.hook.ClientHooks;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.AsyncPushConsumer;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.HandlerFactory;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Apache HttpClient 5 async adapter, defined in a child of the app's HttpClient loader: what the patched
 * {@code doExecute(target, producer, consumer, pushHandlerFactory, context, callback)} of
 * {@code InternalAbstractHttpAsyncClient} and {@code AbstractMinimalHttpAsyncClientBase} asks first. The
 * request is inside the producer, so only a repeatable producer is admitted and the URL is checked once
 * it is read. The flow is the bootstrap's; {@link Apache5AsyncExchange} supplies the async client's part.
 */
public final class Apache5AsyncAdapter implements ClientHooks.Hook {
    private static final ClientExchange.Target<AsyncRequestProducer, Object> REPEATABLE =
            (guard, producer, unused) -> producer.isRepeatable();

    @Override
    public Object enter(Object client, Object target, Object producer, Object consumer, Object pushHandlerFactory,
                        Object context, Object callback) {
        return execute(client, target, producer, consumer, pushHandlerFactory, context, callback);
    }

    /** The caller's future for a guarded token request, or null to let the client's doExecute proceed. */
    @SuppressWarnings("unchecked")
    public static Object execute(Object client, Object target, Object producer, Object consumer,
                                 Object pushHandlerFactory, Object context, Object callback) {
        if (!(client instanceof CloseableHttpAsyncClient) || !(producer instanceof AsyncRequestProducer)
                || !(consumer instanceof AsyncResponseConsumer) || target != null && !(target instanceof HttpHost)) {
            return null;
        }
        GuardDelegate guard = ClientExchange.admit(HttpClientKind.APACHE5, (AsyncRequestProducer) producer, null,
                REPEATABLE);
        if (guard == null) {
            return null;
        }
        return new Apache5AsyncExchange(guard, (CloseableHttpAsyncClient) client, (HttpHost) target,
                (AsyncRequestProducer) producer, (AsyncResponseConsumer<Object>) consumer,
                (HandlerFactory<AsyncPushConsumer>) pushHandlerFactory,
                context instanceof HttpContext ? (HttpContext) context : null, (FutureCallback<Object>) callback).run();
    }
}
