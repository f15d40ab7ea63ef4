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

    /**
     * The body if it fits {@code max} bytes and is what the client will send; null: the request passes
     * through. Either way, once written, the request sends the copy.
     */
    static byte[] read(ClassicHttpRequest request, HttpEntity entity, int max) {
        long declared = entity.getContentLength();
        if (declared > max) {
            return null;
        }
        WrittenBody body = WrittenBody.write(entity::writeTo, max);
        request.setEntity(new Copy(entity, body));
        // A declared length the writer did not keep to: the client cuts or fails it, the key would not.
        if (!body.guardable() || (declared >= 0 && declared != body.size())) {
            return null;
        }
        return body.bytes();
    }

    /**
     * What the entity wrote, sent in its place. Everything else is the original's — length, type,
     * encoding, chunking, repeatability — so the client frames the body and decides retries and
     * redirects exactly as it would have.
     */
    private static final class Copy extends HttpEntityWrapper {
        private final WrittenBody body;

        Copy(HttpEntity original, WrittenBody body) {
            super(original);
            this.body = body;
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
