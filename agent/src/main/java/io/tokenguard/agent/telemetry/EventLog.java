package io.tokenguard.agent.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tokenguard.agent.guard.Violation;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * One JSON object per line per violation, cooldown start and agent fault, for log shippers; violations
 * and cooldowns as {@link EventRate} lets them through, with a {@code summary} of what it held back. Fields
 * are the violation's, which by construction carry no secret: client id, a salted user hash, kind,
 * action, limit, retry-after, counts; a fault names its stage and exception type, never a message
 * (parse errors can quote request bodies).
 */
final class EventLog {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final Consumer<String> sink;
    private final EventRate rate;

    EventLog(Consumer<String> sink, EventRate rate) {
        this.sink = sink;
        this.rate = rate;
    }

    void violation(Violation v) {
        if (rate.admit("violation", v, this::summary)) {
            write("violation", v, true);
        }
    }

    /** The provider told this identity to back off: the guard answers it locally for retryAfterSeconds. */
    void cooldown(Violation v) {
        if (rate.admit("cooldown", v, this::summary)) {
            write("cooldown", v, false);
        }
    }

    /** What the interval held back for one key: its fields, and how many there were. */
    private void summary(String type, Violation v, long held, long intervalSeconds) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("tokenguard", "summary");
            g.writeStringField("ts", Instant.now().toString());
            g.writeStringField("of", type);
            whoAndWhat(g, v, "violation".equals(type));
            g.writeNumberField("suppressed", held);
            g.writeNumberField("intervalSeconds", intervalSeconds);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write event", e);
        }
        sink.accept(out.toString());
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
            whoAndWhat(g, v, withAction);
            g.writeStringField("limit", v.limit());
            g.writeNumberField("retryAfterSeconds", v.retryAfterSeconds());
            g.writeNumberField("upstreamLastMinute", v.upstreamLastMinute());
            g.writeStringField("callSite", v.callSite());
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write event", e);
        }
        sink.accept(out.toString());
    }

    /** The fields a violation's full event and its summary share, in the events' order. */
    private static void whoAndWhat(JsonGenerator g, Violation v, boolean withAction) throws IOException {
        g.writeStringField("endpoint", v.endpoint());
        g.writeStringField("client", v.client());
        g.writeStringField("httpClient", v.httpClient());
        g.writeStringField("user", v.userHash());
        g.writeStringField("grant", v.grant());
        g.writeStringField("kind", v.kind());
        if (withAction) {
            g.writeStringField("action", v.action());
        }
    }

    void close() {
        try {
            rate.close(this::summary);
        } catch (RuntimeException e) {
            // The counts are in the metrics and reports; the file still closes.
        }
        if (sink instanceof AutoCloseable) {
            try {
                ((AutoCloseable) sink).close();
            } catch (Exception ignored) {
                // Nothing left to flush.
            }
        }
    }
}
