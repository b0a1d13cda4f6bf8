package org.mniststream.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void shouldWriteNestedObjectsAndArraysWithCommasInPlace() {
    String json =
        new Json()
            .beginObject()
            .name("a")
            .value(1)
            .name("b")
            .beginArray()
            .value("x")
            .value(true)
            .nullValue()
            .endArray()
            .name("c")
            .beginObject()
            .endObject()
            .name("d")
            .strings(List.of("p", "q"))
            .name("t")
            .value(Instant.EPOCH)
            .endObject()
            .toString();

    assertThat(json)
        .isEqualTo(
            "{\"a\":1,\"b\":[\"x\",true,null],\"c\":{},\"d\":[\"p\",\"q\"],"
                + "\"t\":\"1970-01-01T00:00:00Z\"}");
  }

  @Test
  void shouldEscapeQuotesBackslashesAndControlCharacters() {
    String json = new Json().value("say \"hi\"\\\n\t\u0001").toString();

    assertThat(json).isEqualTo("\"say \\\"hi\\\"\\\\\\n\\t\\u0001\"");
  }

  @Test
  void shouldWriteNonFiniteNumbersAsNull() {
    assertThat(new Json().beginArray().value(Double.NaN).value(1.5f).endArray().toString())
        .isEqualTo("[null,1.5]");
  }
}
