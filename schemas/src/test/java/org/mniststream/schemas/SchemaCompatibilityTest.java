package org.mniststream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contracts as first released are committed as baselines (resources {@code baseline/v1}). Every
 * change to a schema must keep both directions working: today's readers read data that released
 * producers wrote, and released readers read what today's producers write.
 */
class SchemaCompatibilityTest {

  static Stream<Arguments> contracts() {
    return Stream.of(
        Arguments.of("ImageEvent", ImageEvent.getClassSchema()),
        Arguments.of("Prediction", Prediction.getClassSchema()),
        Arguments.of("ModelVersion", ModelVersion.getClassSchema()),
        Arguments.of("ModelRollout", ModelRollout.getClassSchema()),
        Arguments.of("DeadLetter", DeadLetter.getClassSchema()),
        Arguments.of("InstanceHeartbeat", InstanceHeartbeat.getClassSchema()),
        Arguments.of("LabelEvent", LabelEvent.getClassSchema()),
        Arguments.of("QualityReport", QualityReport.getClassSchema()),
        Arguments.of("JudgeDecision", JudgeDecision.getClassSchema()),
        Arguments.of("ReviewRequest", ReviewRequest.getClassSchema()),
        Arguments.of("TrustedKey", TrustedKey.getClassSchema()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void shouldReadBaselineDataWithCurrentSchema(String name, Schema current) {
    assertThat(ContractSerdes.baselines(name))
        .as("%s was released in a baseline", name)
        .isNotEmpty();
    for (Schema old : ContractSerdes.baselines(name)) {
      assertThat(
              SchemaCompatibility.checkReaderWriterCompatibility(current, old)
                  .getResult()
                  .getCompatibility())
          .as("%s: current reader, baseline writer", name)
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void shouldLetBaselineReadersReadCurrentData(String name, Schema current) {
    for (Schema old : ContractSerdes.baselines(name)) {
      assertThat(
              SchemaCompatibility.checkReaderWriterCompatibility(old, current)
                  .getResult()
                  .getCompatibility())
          .as("%s: baseline reader, current writer", name)
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
  }

  @org.junit.jupiter.api.Test
  void shouldDecodeAnEventThatABaselineProducerWrote() throws Exception {
    // written with the v1 schema as a generic record, the way a producer built against v1 would
    Schema v1 = ContractSerdes.baseline("v1", "ImageEvent");
    GenericRecord old = new GenericData.Record(v1);
    old.put("eventId", "old-1");
    old.put("source", "legacy");
    old.put("eventTime", Instant.now().truncatedTo(ChronoUnit.MILLIS).toEpochMilli());
    old.put("height", 28);
    old.put("width", 28);
    old.put("encoding", new GenericData.EnumSymbol(v1.getField("encoding").schema(), "RAW_GRAY8"));
    old.put("pixels", ByteBuffer.wrap(new byte[784]));
    old.put("label", 3);
    old.put("attributes", java.util.Map.of());
    byte[] bytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

    ImageEvent decoded = ContractSerdes.imageEvent().decode(bytes);
    assertThat(decoded.getEventId()).isEqualTo("old-1");
    assertThat(decoded.getLabel()).isEqualTo(3);

    // and a v1 reader decodes what the current producer writes
    BinaryMessageDecoder<GenericRecord> v1Reader =
        new BinaryMessageDecoder<>(GenericData.get(), v1);
    v1Reader.addSchema(ImageEvent.getClassSchema());
    GenericRecord back = v1Reader.decode(ContractSerdes.imageEvent().encode(decoded));
    assertThat(back.get("eventId").toString()).isEqualTo("old-1");
  }
}
