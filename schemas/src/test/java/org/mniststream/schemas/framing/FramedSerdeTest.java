package org.mniststream.schemas.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.PixelEncoding;
import org.mniststream.schemas.Prediction;

class FramedSerdeTest {
  private static final String TOPIC = "images";

  /** The registry's two calls over a map; the real registry is in the ITs. */
  private static final class MapResolver implements SchemaResolver {
    final Map<Integer, Schema> byId = new HashMap<>();
    final Map<String, Integer> ids = new HashMap<>();
    final List<String> subjects = new java.util.ArrayList<>();

    @Override
    public int register(String subject, Schema schema) {
      subjects.add(subject);
      return ids.computeIfAbsent(
          subject + schema,
          k -> {
            int id = 100 + byId.size();
            byId.put(id, schema);
            return id;
          });
    }

    @Override
    public Schema schemaById(int id) {
      Schema s = byId.get(id);
      if (s == null) {
        throw new UnknownSchemaIdException(id, "no schema " + id);
      }
      return s;
    }
  }

  private final MapResolver registry = new MapResolver();

  private FramedSerde<ImageEvent> serde(ValueFormat format) {
    return new FramedSerde<>(ContractSerdes.imageEvent(), TOPIC, format, Optional.of(registry));
  }

  private static ImageEvent event() {
    return ImageEvent.newBuilder()
        .setEventId("e-1")
        .setSource("test")
        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
        .setHeight(28)
        .setWidth(28)
        .setEncoding(PixelEncoding.RAW_GRAY8)
        .setPixels(ByteBuffer.wrap(new byte[784]))
        .setLabel(7)
        .build();
  }

  @Test
  void shouldWriteConfluentFramingWithTheIdRegisteredUnderTheTopicsValueSubject() {
    byte[] bytes = serde(ValueFormat.CONFLUENT).encode(event());

    assertThat(bytes[0]).isEqualTo((byte) 0);
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    assertThat(registry.schemaById(id)).isEqualTo(ImageEvent.getClassSchema());
    assertThat(registry.subjects).containsExactly("images-value");
    assertThat(serde(ValueFormat.CONFLUENT).decode(bytes)).isEqualTo(event());
  }

  @Test
  void shouldWriteSingleObjectWhenConfiguredSo() {
    byte[] bytes = serde(ValueFormat.SINGLE_OBJECT).encode(event());

    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(ContractSerdes.imageEvent().decode(bytes)).isEqualTo(event());
    assertThat(registry.subjects).isEmpty();
  }

  @Test
  void shouldReadBothFormatsWhateverItWrites() {
    byte[] confluent = serde(ValueFormat.CONFLUENT).encode(event());
    byte[] singleObject = ContractSerdes.imageEvent().encode(event());

    for (ValueFormat format : ValueFormat.values()) {
      assertThat(serde(format).decode(confluent))
          .as("%s reads confluent", format)
          .isEqualTo(event());
      assertThat(serde(format).decode(singleObject))
          .as("%s reads single-object", format)
          .isEqualTo(event());
    }
  }

  @Test
  void shouldResolveAnOlderWriterSchemaFromTheRegistry() throws Exception {
    Schema v1 = ContractSerdes.baseline("v1", "ImageEvent");
    int id = registry.register("images-value", v1);
    GenericRecord old = new GenericData.Record(v1);
    old.put("eventId", "old-1");
    old.put("source", "legacy");
    old.put("eventTime", 5L);
    old.put("height", 1);
    old.put("width", 1);
    old.put("encoding", new GenericData.EnumSymbol(v1.getField("encoding").schema(), "RAW_GRAY8"));
    old.put("pixels", ByteBuffer.wrap(new byte[] {9}));
    old.put("label", null);
    old.put("attributes", Map.of());

    ImageEvent read = serde(ValueFormat.SINGLE_OBJECT).decode(frame(id, v1, old));

    assertThat(read.getEventId()).isEqualTo("old-1");
    assertThat(read.getSource()).isEqualTo("legacy");
  }

  @Test
  void shouldRefuseAnUnknownSchemaIdWithItsOwnReason() {
    byte[] bytes = serde(ValueFormat.CONFLUENT).encode(event());
    ByteBuffer.wrap(bytes).putInt(1, 9999);

    assertThatThrownBy(() -> serde(ValueFormat.CONFLUENT).decode(bytes))
        .isInstanceOfSatisfying(
            AvroDecodingException.class,
            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA_ID))
        .hasMessageContaining("9999");
  }

  @Test
  void shouldRefuseConfluentInputWithoutARegistryAsUnknownSchemaId() {
    byte[] bytes = serde(ValueFormat.CONFLUENT).encode(event());
    FramedSerde<ImageEvent> noRegistry =
        new FramedSerde<>(
            ContractSerdes.imageEvent(), TOPIC, ValueFormat.SINGLE_OBJECT, Optional.empty());

    assertThatThrownBy(() -> noRegistry.decode(bytes))
        .isInstanceOfSatisfying(
            AvroDecodingException.class,
            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA_ID))
        .hasMessageContaining("schema.registry.url");
  }

  @Test
  void shouldRefuseAnIdOfAnotherContractType() {
    int id = registry.register("predictions-value", Prediction.getClassSchema());
    byte[] bytes = serde(ValueFormat.CONFLUENT).encode(event());
    ByteBuffer.wrap(bytes).putInt(1, id);

    assertThatThrownBy(() -> serde(ValueFormat.CONFLUENT).decode(bytes))
        .isInstanceOfSatisfying(
            AvroDecodingException.class,
            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNDECODABLE))
        .hasMessageContaining("Prediction");
  }

  @Test
  void shouldRefuseShortTruncatedAndGarbledInputAsUndecodable() {
    byte[] good = serde(ValueFormat.CONFLUENT).encode(event());
    byte[] truncated = java.util.Arrays.copyOf(good, 12);
    byte[] garbled = new byte[40];
    new Random(7).nextBytes(garbled);
    garbled[0] = 0x42;

    for (byte[] bad : List.of(new byte[] {0, 0, 1}, truncated, garbled)) {
      assertThatThrownBy(() -> serde(ValueFormat.CONFLUENT).decode(bad))
          .isInstanceOfSatisfying(
              AvroDecodingException.class,
              e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNDECODABLE));
    }
    assertThatThrownBy(() -> serde(ValueFormat.CONFLUENT).decode(new byte[0]))
        .isInstanceOfSatisfying(
            AvroDecodingException.class,
            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.EMPTY_VALUE));
  }

  @Test
  void shouldRefuseTheConfluentFormatWithoutARegistry() {
    assertThatThrownBy(
            () ->
                new FramedSerde<>(
                    ContractSerdes.imageEvent(), TOPIC, ValueFormat.CONFLUENT, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema.registry.url");
  }

  private static byte[] frame(int id, Schema schema, GenericRecord record) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return ConfluentFraming.frame(id, out.toByteArray());
  }
}
