package io.tokenguard.agent.instrument.apache5;

import io.tokenguard.bootstrap.body.WrittenBody;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

/** A classic request's entity as bytes for the guard, through its {@code writeTo} (see {@link WrittenBody}). */
final class EntityCapture {
    private EntityCapture() {
    }

    /** The body if it fits {@code max} bytes; null: the request passes through (its entity the copy if spent). */
    static byte[] read(ClassicHttpRequest request, HttpEntity entity, int max) {
        if (entity.getContentLength() > max) {
            return null;
        }
        WrittenBody body = WrittenBody.write(entity::writeTo, entity.isRepeatable(), max);
        if (body.spent()) {
            request.setEntity(new Copy(entity, body));
        }
        return body.guardable() ? body.bytes() : null;
    }

    /**
     * What a spent entity wrote, sent in its place. Everything else is the original's, repeatability too,
     * so the client decides retries and redirects with a body exactly as it would have.
     */
    private static final class Copy extends HttpEntityWrapper {
        private final WrittenBody body;
        private final long length;

        Copy(HttpEntity spent, WrittenBody body) {
            super(spent);
            this.body = body;
            this.length = body.length(spent.getContentLength());
        }

        @Override
        public long getContentLength() {
            return length;
        }

        @Override
        public InputStream getContent() throws IOException {
            return body.content();
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            body.replay(out);
        }
    }
}
