package org.mniststream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class ContractSerdesTest {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  static ImageEvent imageEvent() {
    return ImageEvent.newBuilder()
        .setEventId("e-1")
        .setSource("test")
        .setEventTime(NOW)
        .setHeight(28)
        .setWidth(28)
        .setEncoding(PixelEncoding.RAW_GRAY8)
        .setPixels(ByteBuffer.wrap(new byte[784]))
        .setLabel(7)
        .setAttributes(Map.of("camera", "3"))
        .build();
  }

  @Test
  void shouldRoundTripEveryContractType() {
    AvroSerde<ImageEvent> images = ContractSerdes.imageEvent();
    assertThat(images.decode(images.encode(imageEvent()))).isEqualTo(imageEvent());

    Prediction prediction =
        Prediction.newBuilder()
            .setEventId("e-1")
            .setEventTime(NOW)
            .setModelName("mnist")
            .setModelVersion(3)
            .setPredictedClass(7)
            .setConfidence(0.9f)
            .setProbabilities(List.of(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0.9f, 0.1f, 0f))
            .setRoute(Route.CANARY)
            .setLatencyMicros(1234)
            .setProcessedAt(NOW)
            .setLabel(7)
            .build();
    AvroSerde<Prediction> predictions = ContractSerdes.prediction();
    assertThat(predictions.decode(predictions.encode(prediction))).isEqualTo(prediction);

    ModelRollout rollout =
        ModelRollout.newBuilder()
            .setModelName("mnist")
            .setActiveVersion(1L)
            .setCanaryVersion(2L)
            .setCanaryPercent(10)
            .setIssuedAt(NOW)
            .setIssuedBy("ops")
            .build();
    AvroSerde<ModelRollout> rollouts = ContractSerdes.modelRollout();
    assertThat(rollouts.decode(rollouts.encode(rollout))).isEqualTo(rollout);

    DeadLetter deadLetter =
        DeadLetter.newBuilder()
            .setSourceTopic("t")
            .setPartition(0)
            .setOffset(42)
            .setReason(DeadLetterReason.PIXEL_COUNT_MISMATCH)
            .setMessage("expected 784 pixels, got 3")
            .setOriginalValue(ByteBuffer.wrap(new byte[] {1, 2, 3}))
            .setFailedAt(NOW)
            .build();
    AvroSerde<DeadLetter> deadLetters = ContractSerdes.deadLetter();
    assertThat(deadLetters.decode(deadLetters.encode(deadLetter))).isEqualTo(deadLetter);

    LabelEvent label =
        LabelEvent.newBuilder()
            .setEventId("e-1")
            .setLabel(7)
            .setLabelledBy("reviewer-1")
            .setLabelledAt(NOW)
            .build();
    AvroSerde<LabelEvent> labels = ContractSerdes.labelEvent();
    assertThat(labels.decode(labels.encode(label))).isEqualTo(label);

    QualityReport report =
        QualityReport.newBuilder()
            .setModelName("mnist")
            .setModelVersion(3)
            .setRoute("SHADOW")
            .setWindow("all")
            .setLabelled(2)
            .setCorrect(1)
            .setAccuracy(0.5)
            .setAccuracyLow(0.09)
            .setAccuracyHigh(0.91)
            .setConfusion(java.util.Collections.nCopies(100, 0L))
            .setConfidenceMicrosSum(1_800_000)
            .setMeanConfidence(0.9)
            .setCalibration(java.util.Collections.nCopies(10, new CalibrationBin(0L, 0L, 0L)))
            .setCalibrationError(0.4)
            .setLatencyHistogram(ByteBuffer.wrap(new byte[] {1, 2}))
            .setLatencyP50Ms(3)
            .setLatencyP99Ms(9)
            .setDuplicateLabels(0)
            .setConflictingLabels(0)
            .setLateLabels(0)
            .setComparisons(
                List.of(new PairedComparison(2L, "ACTIVE", 2L, 0L, 1L, 1.0, 0.5, -0.4, 0.9)))
            .build();
    AvroSerde<QualityReport> reports = ContractSerdes.qualityReport();
    assertThat(reports.decode(reports.encode(report))).isEqualTo(report);

    ReviewRequest review =
        ReviewRequest.newBuilder()
            .setEventId("e-1")
            .setEventTime(NOW)
            .setModelName("mnist")
            .setModelVersion(3)
            .setRoute("ACTIVE")
            .setPredictedClass(7)
            .setConfidence(0.41f)
            .setProbabilities(List.of(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0.41f, 0.39f, 0.2f))
            .setReason(ReviewReason.LOW_CONFIDENCE)
            .setThreshold(0.6f)
            .setWidth(28)
            .setHeight(28)
            .setPixels(ByteBuffer.wrap(new byte[784]))
            .setSourceTopic("mnist.image-events")
            .setSourcePartition(2)
            .setSourceOffset(42)
            .setRequestedAt(NOW)
            .build();
    AvroSerde<ReviewRequest> reviews = ContractSerdes.reviewRequest();
    assertThat(reviews.decode(reviews.encode(review))).isEqualTo(review);

    TrustedKey revoked =
        TrustedKey.newBuilder()
            .setKeyId("0123456789abcdef")
            .setState(KeyState.REVOKED)
            .setReason("leaked")
            .setChangedAt(NOW)
            .setChangedBy("ops")
            .build();
    AvroSerde<TrustedKey> keys = ContractSerdes.trustedKey();
    assertThat(keys.decode(keys.encode(revoked))).isEqualTo(revoked);
    assertThat(revoked.getPublicKey()).isNull();
  }

  @Test
  void shouldNameEveryTopicFromItsKeyAndBack() {
    TopicNames prefixed = TopicNames.withPrefix("run-1.");
    java.util.Properties props = new java.util.Properties();
    props.putAll(prefixed.toProperties());

    assertThat(TopicNames.from(props)).isEqualTo(prefixed);
    assertThat(prefixed.toProperties().keySet())
        .containsExactlyInAnyOrderElementsOf(TopicNames.KEYS);
    assertThat(prefixed.labels()).isEqualTo("run-1.mnist.labels");
    assertThat(prefixed.quality()).isEqualTo("run-1.mnist.quality");
    assertThat(prefixed.review()).isEqualTo("run-1.mnist.review");
    assertThat(prefixed.trustedKeys()).isEqualTo("run-1.mnist.trusted-keys");
  }

  @Test
  void shouldWriteTheSingleObjectHeader() {
    byte[] bytes = ContractSerdes.imageEvent().encode(imageEvent());
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
  }

  @Test
  void shouldRejectEmptyValuesWithTheirReason() {
    assertReason(new byte[0], DeadLetterReason.EMPTY_VALUE);
    assertReason(null, DeadLetterReason.EMPTY_VALUE);
  }

  @Test
  void shouldRejectRandomBytesAsUndecodable() {
    byte[] random = new byte[200];
    new Random(42).nextBytes(random);
    random[0] = 0x11; // not the single-object marker
    assertReason(random, DeadLetterReason.UNDECODABLE);
  }

  @Test
  void shouldRejectTruncatedDataAsUndecodable() {
    byte[] bytes = ContractSerdes.imageEvent().encode(imageEvent());
    for (int cut : new int[] {5, 11, 20, bytes.length - 10}) {
      assertReason(Arrays.copyOf(bytes, cut), DeadLetterReason.UNDECODABLE);
    }
  }

  @Test
  void shouldRejectAnUnknownSchemaFingerprint() {
    Schema stranger =
        SchemaBuilder.record("Stranger")
            .namespace("elsewhere")
            .fields()
            .requiredString("x")
            .endRecord();
    GenericRecord record = new GenericData.Record(stranger);
    record.put("x", "hello");
    byte[] bytes;
    try {
      bytes =
          new BinaryMessageEncoder<GenericRecord>(GenericData.get(), stranger)
              .encode(record)
              .array();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    assertReason(bytes, DeadLetterReason.UNKNOWN_SCHEMA);
  }

  @Test
  void shouldWorkAsAKafkaSerdeAndPassNullThrough() {
    AvroSerde<ImageEvent> serde = ContractSerdes.imageEvent();
    byte[] bytes = serde.serializer().serialize("topic", imageEvent());
    assertThat(serde.deserializer().deserialize("topic", bytes)).isEqualTo(imageEvent());
    assertThat(serde.serializer().serialize("topic", null)).isNull();
  }

  private static void assertReason(byte[] bytes, DeadLetterReason reason) {
    assertThatThrownBy(() -> ContractSerdes.imageEvent().decode(bytes))
        .isInstanceOfSatisfying(
            AvroDecodingException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @org.junit.jupiter.api.Test
  void shouldPadModelKeysToTenDigitsLikeStringFormat() {
    for (long v : new long[] {0, 1, 42, 9_999_999_999L, 12_345_678_901L, -5}) {
      assertThat(TopicNames.modelKey("mnist", v)).isEqualTo(String.format("%s/%010d", "mnist", v));
    }
  }
}
