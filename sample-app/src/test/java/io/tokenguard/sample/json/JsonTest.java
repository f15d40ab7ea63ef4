package io.tokenguard.sample.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void quoteEscapes() {
        assertThat(Json.quote("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
        assertThat(Json.quote(null)).isEqualTo("null");
    }

    @Test
    void roundTripsThroughTheParser() {
        String s = "SampleCo\\alice \"quoted\"\t\u00e9";
        assertThat(JsonParser.parse(Json.quote(s))).isEqualTo(s);
    }

    @Test
    void parsesNestedValues() {
        Object v = JsonParser.parse(" {\"a\":[1,2.5,true,null,\"x\"],\"b\":{\"c\":-3}} ");
        assertThat(v).isEqualTo(Map.of("a", java.util.Arrays.asList(1L, 2.5, true, null, "x"), "b", Map.of("c", -3L)));
        assertThat(JsonParser.parse("[]")).isEqualTo(List.of());
    }

    @Test
    void flatObjectGivesText() {
        assertThat(JsonParser.parseFlatObject("{\"expires_in\":28800,\"u\":\"SampleCo\\\\bob\"}"))
                .containsEntry("expires_in", "28800").containsEntry("u", "SampleCo\\bob");
        assertThatThrownBy(() -> JsonParser.parseFlatObject("{\"a\":{}}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonParser.parse("{\"a\":1} x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonParser.parse("{\"a\":")).isInstanceOf(IllegalArgumentException.class);
    }
}
