package org.mniststream.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonCodecTest {
  record Sample(String text, Instant at, double ratio, Double missing, long count) {}

  @Test
  void shouldWriteRecordsWithInstantsAsIsoTextAndNonFiniteNumbersAsNull() throws Exception {
    String json =
        JsonCodec.write(
            new Sample("x", Instant.parse("2025-06-01T12:00:00Z"), Double.NaN, null, 7));

    assertThat(json)
        .isEqualTo(
            "{\"text\":\"x\",\"at\":\"2025-06-01T12:00:00Z\",\"ratio\":null,\"missing\":null,"
                + "\"count\":7}");
    assertThat(JsonCodec.write(List.of(Double.POSITIVE_INFINITY, 0.25))).isEqualTo("[null,0.25]");
  }

  @Test
  void shouldEscapeQuotesBackslashesAndControlCharacters() throws Exception {
    String text = "say \"hi\"\\ a\nb\rc\td\be\ff \u0000\u001f\u007f";

    String json = JsonCodec.write(text);

    assertThat(json)
        .isEqualToIgnoringCase(
            "\"say \\\"hi\\\"\\\\ a\\nb\\rc\\td\\be\\ff \\u0000\\u001f\\u007f\"");
    assertThat(JsonCodec.readTree(json).textValue()).isEqualTo(text);
  }

  @Test
  void shouldEscapeWhatCouldCloseAScriptTagOrBreakAnSseLine() throws Exception {
    String text = "</script><b>&amp; line\u2028para\u2029 multi\nline";

    String json = JsonCodec.write(Map.of("m", text));

    assertThat(json).doesNotContain("<", ">", "&", "\u2028", "\u2029", "\n");
    assertThat(JsonCodec.readTree(json).get("m").textValue()).isEqualTo(text);
  }

  @Test
  void shouldKeepUnicodeTextAsItIs() {
    assertThat(JsonCodec.write("é → ✎ 数字")).isEqualTo("\"é → ✎ 数字\"");
  }

  @Test
  void shouldRefuseTrailingDocumentsAndRepeatedNames() {
    assertThatThrownBy(() -> JsonCodec.readTree("[1] [2]"))
        .isInstanceOf(JsonProcessingException.class);
    assertThatThrownBy(() -> JsonCodec.readTree("{\"a\":1,\"a\":2}"))
        .isInstanceOf(JsonProcessingException.class)
        .hasMessageContaining("Duplicate field 'a'");
  }

  @Test
  void shouldBoundWhatAnUntrustedDocumentMayHoldBeforeBuildingIt() throws Exception {
    ObjectReader reader =
        JsonCodec.untrustedReader(
            StreamReadConstraints.builder()
                .maxNestingDepth(4)
                .maxNumberLength(5)
                .maxStringLength(10)
                .maxDocumentLength(100)
                .build());
    // the document length counts as the input streams in (a String is already all there)
    byte[] spaced = ("[1" + " ".repeat(20_000) + "]").getBytes(StandardCharsets.UTF_8);

    JsonNode ok = reader.readTree("[[1, 2], {\"a\": \"short\"}]");

    assertThat(ok.get(1).get("a").textValue()).isEqualTo("short");
    assertThatThrownBy(() -> reader.readTree("[".repeat(100_000) + "]".repeat(100_000)))
        .isInstanceOf(StreamConstraintsException.class);
    assertThatThrownBy(() -> reader.readTree("[1234567]"))
        .isInstanceOf(StreamConstraintsException.class);
    assertThatThrownBy(() -> reader.readTree("[\"" + "x".repeat(50) + "\"]"))
        .isInstanceOf(StreamConstraintsException.class);
    assertThatThrownBy(() -> reader.readTree(new ByteArrayInputStream(spaced)))
        .isInstanceOf(StreamConstraintsException.class);
  }
}
