package io.tokenguard.agent.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tokenguard.agent.guard.Violation;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * One JSON object per line per violation, cooldown start and agent fault, for log shippers. Fields
 * are the violation's, which by construction carry no secret: client id, a salted user hash, kind,
 * action, limit, retry-after, counts; a fault names its stage and exception type, never a message
 * (parse errors can quote request bodies).
 */
final class EventLog {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final Consumer<String> sink;

    EventLog(Consumer<String> sink) {
        this.sink = sink;
    }

    void violation(Violation v) {
        write("violation", v, true);
    }

    /** The provider told this identity to back off: the guard answers it locally for retryAfterSeconds. */
    void cooldown(Violation v) {
        write("cooldown", v, false);
    }

    void fault(String stage, Throwable error) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("tokenguard", "fault");
            g.writeStringField("ts", Instant.now().toString());
            g.writeStringField("stage", stage);
            g.writeStringField("error", error.getClass().getName());
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write event", e);
        }
        sink.accept(out.toString());
    }

    /** Fleet mode switched: fleet (shared through Redis) or local-only, and why (an exception's class name). */
    void fleet(boolean fleet, String why) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("tokenguard", "fleet");
            g.writeStringField("ts", Instant.now().toString());
            g.writeStringField("state", fleet ? "fleet" : "local-only");
            g.writeStringField("reason", why);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write event", e);
        }
        sink.accept(out.toString());
    }

    private void write(String type, Violation v, boolean withAction) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("tokenguard", type);
            g.writeStringField("ts", Instant.now().toString());
            g.writeStringField("endpoint", v.endpoint());
            g.writeStringField("client", v.client());
            g.writeStringField("httpClient", v.httpClient());
            g.writeStringField("user", v.userHash());
            g.writeStringField("grant", v.grant());
            g.writeStringField("kind", v.kind());
            if (withAction) {
                g.writeStringField("action", v.action());
            }
            g.writeStringField("limit", v.limit());
            g.writeNumberField("retryAfterSeconds", v.retryAfterSeconds());
            g.writeNumberField("upstreamLastMinute", v.upstreamLastMinute());
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
