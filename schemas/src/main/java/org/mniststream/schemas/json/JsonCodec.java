package org.mniststream.schemas.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The product's one JSON configuration (Jackson), shared by the stream app's HTTP endpoints and the
 * dashboard, so that every document is written the same way:
 *
 * <ul>
 *   <li>{@code <}, {@code >}, {@code &} and U+2028/U+2029 are escaped, so a document can be put
 *       into an HTML page or a {@code <script>} without closing it, and into one SSE {@code data:}
 *       line (control characters, line feeds included, are always escaped);
 *   <li>an {@link Instant} is ISO-8601 text;
 *   <li>a non-finite double is {@code null} (NaN is not JSON);
 *   <li>reading fails on anything after the document, and on a member name given twice.
 * </ul>
 *
 * Thread-safe: the mapper is configured once here and never handed out for reconfiguration.
 */
public final class JsonCodec {
  private static final JsonMapper MAPPER = mapper(StreamReadConstraints.defaults());

  private JsonCodec() {}

  /** The JSON text of {@code value} (a record, a collection, a {@link JsonNode}...), one line. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not writable as JSON: " + value.getClass(), e);
    }
  }

  /** Parses a document of our own (the stream app's endpoints) into a tree. */
  public static JsonNode readTree(String json) throws JsonProcessingException {
    return MAPPER.readTree(json);
  }

  /**
   * A reader for untrusted input: the parser refuses a document longer or deeper, or with longer
   * names, strings or numbers, than {@code limits} allow, before building anything of it.
   */
  public static ObjectReader untrustedReader(StreamReadConstraints limits) {
    return mapper(limits).reader();
  }

  /**
   * A Kafka serde of {@code type} as JSON: for the private formats of the stream apps (state
   * stores, internal topics), never for a contract between teams (those are Avro).
   */
  public static <T> Serde<T> serde(Class<T> type) {
    ObjectReader reader = MAPPER.readerFor(type);
    return Serdes.serdeFrom(
        (topic, value) -> value == null ? null : write(value).getBytes(StandardCharsets.UTF_8),
        (topic, data) -> {
          if (data == null) {
            return null;
          }
          try {
            return reader.readValue(data);
          } catch (IOException e) {
            throw new SerializationException("unreadable " + type.getSimpleName(), e);
          }
        });
  }

  private static JsonMapper mapper(StreamReadConstraints limits) {
    JsonFactory factory =
        new JsonFactoryBuilder()
            .characterEscapes(new HtmlSafeEscapes())
            .streamReadConstraints(limits)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    return JsonMapper.builder(factory)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .addModule(
            new SimpleModule("mnist-stream")
                .addSerializer(Instant.class, ToStringSerializer.instance)
                .addSerializer(Double.class, new FiniteDoubleSerializer())
                .addSerializer(Double.TYPE, new FiniteDoubleSerializer()))
        .build();
  }

  /** The escapes of the standard JSON ones plus what must not appear raw in HTML or a JS line. */
  private static final class HtmlSafeEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii;

    HtmlSafeEscapes() {
      ascii = standardAsciiEscapesForJSON();
      ascii['<'] = ESCAPE_STANDARD;
      ascii['>'] = ESCAPE_STANDARD;
      ascii['&'] = ESCAPE_STANDARD;
      ascii[0x7f] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return switch (ch) {
        case 0x2028 -> new SerializedString("\\u2028");
        case 0x2029 -> new SerializedString("\\u2029");
        default -> null;
      };
    }
  }

  /** Writes NaN and the infinities as {@code null}, like every JSON writer the page ever read. */
  private static final class FiniteDoubleSerializer extends StdSerializer<Double> {
    private static final long serialVersionUID = 1L;

    FiniteDoubleSerializer() {
      super(Double.class);
    }

    @Override
    public void serialize(Double value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      if (Double.isFinite(value)) {
        gen.writeNumber(value);
      } else {
        gen.writeNull();
      }
    }
  }
}
