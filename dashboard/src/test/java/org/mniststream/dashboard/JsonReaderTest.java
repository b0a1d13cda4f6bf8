package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonReaderTest {

  @Test
  void shouldReadObjectsArraysAndScalarsInOrder() {
    Object tree =
        JsonReader.parse(
            " {\"b\": [1, 2.50, -0, 1e2], \"a\": {\"x\": \"\\u00e9\\t\\/\"}, \"t\": true,"
                + " \"f\": false, \"n\": null} ");

    assertThat(tree).isInstanceOf(Map.class);
    Map<String, Object> map = AggregatesTest.map(tree);
    assertThat(map.keySet()).containsExactly("b", "a", "t", "f", "n");
    assertThat(AggregatesTest.list(map.get("b")))
        .containsExactly(
            new BigDecimal("1"),
            new BigDecimal("2.50"),
            new BigDecimal("-0"),
            new BigDecimal("1e2"));
    assertThat(map.get("a")).isEqualTo(Map.of("x", "é\t/"));
    assertThat(map.get("t")).isEqualTo(Boolean.TRUE);
    assertThat(map.get("f")).isEqualTo(Boolean.FALSE);
    assertThat(map.containsKey("n")).isTrue();
    assertThat(map.get("n")).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "[1,]",
        "{\"a\":1,}",
        "{a:1}",
        "{'a':1}",
        "01",
        "1.",
        "-",
        "1e",
        "\"unterminated",
        "\"bad \\x escape\"",
        "\"raw\ncontrol\"",
        "tru",
        "[1] [2]",
        "NaN"
      })
  void shouldRejectMalformedDocuments(String text) {
    assertThatThrownBy(() -> JsonReader.parse(text)).isInstanceOf(JsonReader.JsonException.class);
  }

  @Test
  void shouldBoundNestingSoAHostileBodyCannotOverflowTheStack() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);

    assertThatThrownBy(() -> JsonReader.parse(deep))
        .isInstanceOf(JsonReader.JsonException.class)
        .hasMessageContaining("nested deeper than");
  }
}
