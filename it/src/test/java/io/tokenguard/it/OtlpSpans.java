package io.tokenguard.it;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spans of OTLP/HTTP protobuf trace exports ({@code ExportTraceServiceRequest}, as OpenTelemetry's
 * agent POSTs them to {@code /v1/traces}), read by field number from opentelemetry/proto/trace/v1/trace.proto
 * without a protobuf library. Only what the tests look at: scope, name, kind, attributes, status.
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

    /** ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }. */
    static List<Span> decode(byte[] body) {
        List<Span> spans = new ArrayList<>();
        Reader request = new Reader(body, 0, body.length);
        while (request.more()) {
            int tag = request.tag();
            if (tag >>> 3 == 1) {
                resourceSpans(request.message(), spans);
            } else {
                request.skip(tag);
            }
        }
        return spans;
    }

    /** ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }. */
    private static void resourceSpans(Reader r, List<Span> spans) {
        while (r.more()) {
            int tag = r.tag();
            if (tag >>> 3 == 2) {
                scopeSpans(r.message(), spans);
            } else {
                r.skip(tag);
            }
        }
    }

    /** ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }; the scope's name = 1. */
    private static void scopeSpans(Reader r, List<Span> spans) {
        String scope = "";
        List<Reader> raw = new ArrayList<>();
        while (r.more()) {
            int tag = r.tag();
            if (tag >>> 3 == 1) {
                Reader s = r.message();
                while (s.more()) {
                    int t = s.tag();
                    if (t >>> 3 == 1) {
                        scope = s.string();
                    } else {
                        s.skip(t);
                    }
                }
            } else if (tag >>> 3 == 2) {
                raw.add(r.message());
            } else {
                r.skip(tag);
            }
        }
        for (Reader s : raw) {
            spans.add(span(scope, s));
        }
    }

    /** Span { string name = 5; SpanKind kind = 6; repeated KeyValue attributes = 9; Status status = 15; }. */
    private static Span span(String scope, Reader r) {
        String name = "";
        int kind = 0;
        int status = 0;
        Map<String, Object> attributes = new LinkedHashMap<>();
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 5:
                    name = r.string();
                    break;
                case 6:
                    kind = (int) r.varint();
                    break;
                case 9:
                    keyValue(r.message(), attributes);
                    break;
                case 15:
                    Reader s = r.message();
                    while (s.more()) {
                        int t = s.tag();
                        if (t >>> 3 == 3) {
                            status = (int) s.varint();
                        } else {
                            s.skip(t);
                        }
                    }
                    break;
                default:
                    r.skip(tag);
            }
        }
        return new Span(scope, name, kind, attributes, status);
    }

    /** KeyValue { string key = 1; AnyValue value = 2; }: string 1, bool 2, int 3, double 4; others kept as "?". */
    private static void keyValue(Reader r, Map<String, Object> into) {
        String key = null;
        Object value = null;
        while (r.more()) {
            int tag = r.tag();
            if (tag >>> 3 == 1) {
                key = r.string();
            } else if (tag >>> 3 == 2) {
                Reader v = r.message();
                while (v.more()) {
                    int t = v.tag();
                    switch (t >>> 3) {
                        case 1:
                            value = v.string();
                            break;
                        case 2:
                            value = v.varint() != 0;
                            break;
                        case 3:
                            value = v.varint();
                            break;
                        case 4:
                            value = Double.longBitsToDouble(v.fixed64());
                            break;
                        default:
                            value = "?";
                            v.skip(t);
                    }
                }
            } else {
                r.skip(tag);
            }
        }
        if (key != null) {
            into.put(key, value);
        }
    }

    /** The protobuf wire format: varints, 64- and 32-bit fixed fields, length-delimited fields. */
    private static final class Reader {
        private final byte[] bytes;
        private int pos;
        private final int end;

        Reader(byte[] bytes, int from, int end) {
            this.bytes = bytes;
            this.pos = from;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        int tag() {
            return (int) varint();
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalArgumentException("truncated varint");
                }
                byte b = bytes[pos++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("malformed varint");
        }

        long fixed64() {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value |= (long) (bytes[pos++] & 0xff) << (8 * i);
            }
            return value;
        }

        Reader message() {
            int length = (int) varint();
            if (length < 0 || pos + length > end) {
                throw new IllegalArgumentException("truncated field");
            }
            Reader r = new Reader(bytes, pos, pos + length);
            pos += length;
            return r;
        }

        String string() {
            Reader r = message();
            return new String(bytes, r.pos, r.end - r.pos, StandardCharsets.UTF_8);
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0:
                    varint();
                    break;
                case 1:
                    pos += 8;
                    break;
                case 2:
                    message();
                    break;
                case 5:
                    pos += 4;
                    break;
                default:
                    throw new IllegalArgumentException("unsupported wire type " + (tag & 7));
            }
        }
    }
}
