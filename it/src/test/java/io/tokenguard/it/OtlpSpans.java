package io.tokenguard.it;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spans of OTLP/HTTP protobuf trace exports ({@code ExportTraceServiceRequest}, as OpenTelemetry's
 * agent POSTs them to {@code /v1/traces}), decoded with the official opentelemetry-proto classes. Only what
 * the tests look at: scope, name, kind, attributes, status.
 */
final class OtlpSpans {
    /** {@code Span.SpanKind.SPAN_KIND_CLIENT}. */
    static final int CLIENT = 3;
    /** {@code Status.StatusCode.STATUS_CODE_ERROR}. */
    static final int STATUS_ERROR = 2;

    private OtlpSpans() {
    }

    static final class Span {
        final String scope;
        final String name;
        final int kind;
        final Map<String, Object> attributes;
        final int statusCode;

        Span(String scope, String name, int kind, Map<String, Object> attributes, int statusCode) {
            this.scope = scope;
            this.name = name;
            this.kind = kind;
            this.attributes = attributes;
            this.statusCode = statusCode;
        }

        /** The path of {@code url.full} (the HTTP client semantic conventions), or null. */
        String path() {
            Object url = attributes.get("url.full");
            return url == null ? null : URI.create(url.toString()).getPath();
        }

        /** Marked failed: span status ERROR, or an {@code error.type} attribute. */
        boolean failed() {
            return statusCode == STATUS_ERROR || attributes.containsKey("error.type");
        }

        @Override
        public String toString() {
            return scope + " " + name + " kind=" + kind + " status=" + statusCode + " " + attributes;
        }
    }

    /** Every span of every push to /v1/traces the collector got. */
    static List<Span> of(LocalCollector collector) {
        List<Span> spans = new ArrayList<>();
        for (LocalCollector.Push push : collector.pushes()) {
            if (push.path.endsWith("/v1/traces")) {
                spans.addAll(decode(push.body.getBytes(StandardCharsets.ISO_8859_1)));
            }
        }
        return spans;
    }

    /** The spans of one ExportTraceServiceRequest, decoded with OpenTelemetry's own protobuf classes. */
    static List<Span> decode(byte[] body) {
        ExportTraceServiceRequest request;
        try {
            request = ExportTraceServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("a push to /v1/traces that is no ExportTraceServiceRequest", e);
        }
        List<Span> spans = new ArrayList<>();
        for (ResourceSpans resource : request.getResourceSpansList()) {
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
                    Map<String, Object> attributes = new LinkedHashMap<>();
                    for (KeyValue kv : span.getAttributesList()) {
                        attributes.put(kv.getKey(), value(kv.getValue()));
                    }
                    spans.add(new Span(scope.getScope().getName(), span.getName(), span.getKindValue(), attributes,
                            span.getStatus().getCodeValue()));
                }
            }
        }
        return spans;
    }

    /** String, Boolean, Long or Double, as the attribute carries it; anything else as "?". */
    private static Object value(AnyValue v) {
        switch (v.getValueCase()) {
            case STRING_VALUE:
                return v.getStringValue();
            case BOOL_VALUE:
                return v.getBoolValue();
            case INT_VALUE:
                return v.getIntValue();
            case DOUBLE_VALUE:
                return v.getDoubleValue();
            default:
                return "?";
        }
    }
}
