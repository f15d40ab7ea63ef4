package io.tokenguard.agent.instrument.javahttp;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * Reads a java.net.http BodyPublisher into bytes by subscribing to it. Publishers may be one-shot
 * (ofInputStream), so the request is then always sent with an equal byte-array publisher.
 */
final class RequestBodyCapture {
    /** Bound for publishers that deliver asynchronously; the JDK's own ones deliver on request(). */
    private static final long MAX_WAIT_SECONDS = 10;

    private RequestBodyCapture() {
    }

    /** The body bytes, or null when it could not be read completely (then the request is not guarded). */
    static byte[] read(HttpRequest.BodyPublisher publisher, long hardLimit) {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<ByteBuffer>() {
            private final ByteArrayOutputStream out = new ByteArrayOutputStream();
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                out.write(chunk, 0, chunk.length);
                if (out.size() > hardLimit) {
                    subscription.cancel();
                    done.complete(null);
                }
            }

            @Override
            public void onError(Throwable t) {
                done.complete(null);
            }

            @Override
            public void onComplete() {
                done.complete(out.toByteArray());
            }
        });
        try {
            return done.get(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }
}
