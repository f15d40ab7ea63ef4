package io.tokenguard.it.bodies;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.nio.entity.StringAsyncEntityProducer;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;

/**
 * Apache HttpClient 5 async with a streaming consumer of the app's own (AbstractBinResponseConsumer):
 * the status when the consumer is given the response head, the body as the reactor hands it on
 * (through a bounded queue, so the reactor waits for a slow reader); closing cancels the exchange.
 */
final class Apache5AsyncOpener implements Opened.Client {
    static final Apache5AsyncOpener INSTANCE = new Apache5AsyncOpener();
    private static final byte[] END = new byte[0];

    @Override
    public Opened post(String url, int readTimeoutMillis) throws Exception {
        CloseableHttpAsyncClient client = HttpAsyncClients.custom().setDefaultRequestConfig(RequestConfig.custom()
                .setResponseTimeout(readTimeoutMillis, TimeUnit.MILLISECONDS).build()).build();
        client.start();
        Streaming consumer = new Streaming();
        Future<Void> exchange = client.execute(new BasicRequestProducer(Method.POST, java.net.URI.create(url),
                new StringAsyncEntityProducer(BodyRunner.FORM, ContentType.APPLICATION_FORM_URLENCODED)),
                consumer, null);
        int status;
        try {
            status = consumer.status.get(readTimeoutMillis + 5_000L, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            client.close();
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
        return new Opened() {
            @Override
            public int status() {
                return status;
            }

            @Override
            public InputStream body() {
                return consumer.stream;
            }

            @Override
            public void close() throws IOException {
                consumer.stream.close();
                exchange.cancel(true);
                client.close();
            }
        };
    }

    /** The app's consumer: hands the head to the caller and the body to a reader thread. */
    private static final class Streaming extends AbstractBinResponseConsumer<Void> {
        final CompletableFuture<Integer> status = new CompletableFuture<>();
        final Reader stream = new Reader();

        @Override
        protected void start(HttpResponse response, ContentType contentType) {
            status.complete(response.getCode());
        }

        @Override
        protected int capacityIncrement() {
            return 64 * 1024;
        }

        @Override
        protected void data(ByteBuffer src, boolean endOfStream) throws IOException {
            if (src.hasRemaining()) {
                byte[] chunk = new byte[src.remaining()];
                src.get(chunk);
                stream.put(chunk);
            }
            if (endOfStream) {
                stream.put(END);
            }
        }

        @Override
        protected Void buildResult() {
            return null;
        }

        @Override
        public void failed(Exception cause) {
            status.completeExceptionally(cause);
            stream.fail(cause);
        }

        @Override
        public void releaseResources() {
        }
    }

    /** What the app reads: chunks as the consumer got them, the end, or the consumer's failure. */
    private static final class Reader extends InputStream {
        private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>(64);
        private volatile boolean closed;
        private volatile Exception failure;
        private byte[] current = new byte[0];
        private int position;
        private boolean ended;

        void put(byte[] chunk) throws IOException {
            try {
                while (!chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                    if (closed) {
                        throw new IOException("closed by the app");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
            }
        }

        void fail(Exception cause) {
            failure = cause;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (position == current.length) {
                if (ended) {
                    return -1;
                }
                byte[] next;
                try {
                    next = chunks.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
                if (next == null) {
                    if (failure != null) {
                        throw new IOException(failure);
                    }
                    continue;
                }
                current = next;
                position = 0;
                if (current == END) {
                    ended = true;
                    return -1;
                }
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public void close() {
            closed = true;
            chunks.clear();
        }
    }
}
