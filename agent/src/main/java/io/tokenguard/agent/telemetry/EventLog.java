package io.tokenguard.agent.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tokenguard.agent.guard.Violation;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * One JSON object per line per violation, for log shippers. Fields are the violation's, which by
 * construction carry no secret: client id, a salted user hash, kind, action, limit, retry-after.
 */
final class EventLog {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final Consumer<String> sink;

    EventLog(Consumer<String> sink) {
        this.sink = sink;
    }

    void violation(Violation v) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("tokenguard", "violation");
            g.writeStringField("ts", Instant.now().toString());
            g.writeStringField("endpoint", v.endpoint());
            g.writeStringField("client", v.client());
            g.writeStringField("user", v.userHash());
            g.writeStringField("grant", v.grant());
            g.writeStringField("kind", v.kind());
            g.writeStringField("action", v.action());
            g.writeStringField("limit", v.limit());
            g.writeNumberField("retryAfterSeconds", v.retryAfterSeconds());
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write event", e);
        }
        sink.accept(out.toString());
    }

    void close() {
        if (sink instanceof AutoCloseable) {
            try {
                ((AutoCloseable) sink).close();
            } catch (Exception ignored) {
                // Nothing left to flush.
            }
        }
    }
}
