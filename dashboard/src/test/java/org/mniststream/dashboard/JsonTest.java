package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void shouldEscapeQuotesBackslashesAndControlCharacters() {
    assertThat(Json.quote("say \"hi\"\\")).isEqualTo("\"say \\\"hi\\\"\\\\\"");
    assertThat(Json.quote("a\nb\rc\td\be\ff")).isEqualTo("\"a\\nb\\rc\\td\\be\\ff\"");
    assertThat(Json.quote("\u0000\u001f\u007f")).isEqualTo("\"\\u0000\\u001f\\u007f\"");
    assertThat(Json.quote(null)).isEqualTo("null");
  }

  @Test
  void shouldEscapeWhatCouldBreakAScriptTagOrAnSseLine() {
    assertThat(Json.quote("</script><b>")).isEqualTo("\"\\u003c/script>\\u003cb>\"");
    assertThat(Json.quote("line\u2028para\u2029")).isEqualTo("\"line\\u2028para\\u2029\"");
    assertThat(Json.quote("multi\nline")).doesNotContain("\n");
  }

  @Test
  void shouldKeepUnicodeTextAsItIs() {
    assertThat(Json.quote("é → ✎ 数字")).isEqualTo("\"é → ✎ 数字\"");
  }

  @Test
  void shouldPlaceCommasAndNestContainers() {
    String json =
        new Json()
            .beginObject()
            .name("a")
            .value(1)
            .name("b")
            .beginArray()
            .value("x")
            .nullValue()
            .beginObject()
            .endObject()
            .beginArray()
            .endArray()
            .endArray()
            .name("c")
            .value(true)
            .name("t")
            .value(Instant.parse("2025-06-01T12:00:00Z"))
            .endObject()
            .toString();

    assertThat(json)
        .isEqualTo("{\"a\":1,\"b\":[\"x\",null,{},[]],\"c\":true,\"t\":\"2025-06-01T12:00:00Z\"}");
  }

  @Test
  void shouldWriteNonFiniteNumbersAsNullAndWholeNumbersWithoutFraction() {
    String json =
        new Json()
            .beginArray()
            .value(Double.NaN)
            .value(Double.POSITIVE_INFINITY)
            .value(3.0)
            .value(0.25)
            .value((Number) null)
            .value(Integer.valueOf(7))
            .endArray()
            .toString();

    assertThat(json).isEqualTo("[null,null,3,0.25,null,7]");
  }

  @Test
  void shouldRoundTripATreeThroughTheReader() {
    String text =
        "{\"s\":\"q\\\"<\\n\",\"n\":[1,-2.5,3e-7,12345678901234567890],\"o\":{\"t\":true,"
            + "\"f\":false,\"z\":null}}";

    Object tree = JsonReader.parse(text);
    String written = new Json().tree(tree).toString();

    assertThat(JsonReader.parse(written)).isEqualTo(tree);
    assertThat(written).contains("12345678901234567890").contains("3E-7");
  }

  @Test
  void shouldRefuseToCloseWhatIsNotOpen() {
    assertThatThrownBy(() -> new Json().endObject()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new Json().tree(Map.of("k", List.of(new Object()))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
