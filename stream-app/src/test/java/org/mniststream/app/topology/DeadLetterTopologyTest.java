package org.mniststream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.testing.TestEvents;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.app.testing.TopologyHarness;
import org.mniststream.schemas.AvroBytes;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.PixelEncoding;

/** One test per reason code: each bad record becomes exactly one dead letter, nothing else. */
class DeadLetterTopologyTest {
  private TopologyHarness app;

  @BeforeEach
  void startWithAModel() throws Exception {
    app = TopologyHarness.start(Map.of("image.max-side", "64"));
    app.publishModel(1, TestModelRecords.mlp(1));
  }

  @AfterEach
  void closeDriver() {
    app.close();
  }

  @Test
  void shouldDeadLetterAnEmptyValue() {
    DeadLetter letter = deadLetterFor(TestEvents.key("k"), new byte[0]);

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.EMPTY_VALUE);
    assertThat(letter.getEventId()).isNull();
  }

  @Test
  void shouldDeadLetterANullValue() {
    DeadLetter letter = deadLetterFor(TestEvents.key("k"), null);

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.EMPTY_VALUE);
    assertThat(letter.getOriginalValue()).isNull();
  }

  @Test
  void shouldDeadLetterBytesThatAreNotAvro() {
    byte[] garbage = "{\"json\": true}".getBytes();

    DeadLetter letter = deadLetterFor(TestEvents.key("k"), garbage);

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.UNDECODABLE);
    assertThat(AvroBytes.copyOf(letter.getOriginalValue())).isEqualTo(garbage);
  }

  @Test
  void shouldDeadLetterATruncatedDatum() {
    byte[] valid = TestEvents.encode(TestEvents.raw28("t", null));

    DeadLetter letter = deadLetterFor(TestEvents.key("k"), Arrays.copyOf(valid, 20));

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.UNDECODABLE);
  }

  @Test
  void shouldDeadLetterAnUnknownSchemaFingerprint() {
    byte[] value = TestEvents.encode(TestEvents.raw28("t", null));
    for (int i = 2; i < 10; i++) {
      value[i] ^= (byte) 0xFF; // same single-object marker, a fingerprint nobody knows
    }

    DeadLetter letter = deadLetterFor(TestEvents.key("k"), value);

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA);
  }

  @Test
  void shouldDeadLetterAnEventWithoutKey() {
    DeadLetter letter = deadLetterFor(null, TestEvents.encode(TestEvents.raw28("no-key", 1)));

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.MISSING_KEY);
    assertThat(letter.getEventId()).isEqualTo("no-key");
    assertThat(letter.getOriginalKey()).isNull();
  }

  @Test
  void shouldDeadLetterAnUnknownEncoding() {
    ImageEvent event =
        ImageEvent.newBuilder(TestEvents.raw28("enc", null))
            .setEncoding(PixelEncoding.UNKNOWN)
            .build();

    assertThat(deadLetterFor(event).getReason()).isEqualTo(DeadLetterReason.UNKNOWN_ENCODING);
  }

  @Test
  void shouldDeadLetterNonPositiveDimensions() {
    ImageEvent event = TestEvents.raw("dims", 0, 28, new byte[0], null);

    DeadLetter letter = deadLetterFor(event);

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.INVALID_DIMENSIONS);
    assertThat(letter.getMessage()).contains("0x28");
  }

  @Test
  void shouldDeadLetterAnImageOverTheConfiguredMaxSide() {
    ImageEvent event = TestEvents.raw("big", 65, 10, new byte[650], null);

    DeadLetter letter = deadLetterFor(event);

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.IMAGE_TOO_LARGE);
    assertThat(letter.getMessage()).contains("64");
  }

  @Test
  void shouldDeadLetterARawImageWithTheWrongPixelCount() {
    ImageEvent event = TestEvents.raw("count", 28, 28, new byte[783], null);

    DeadLetter letter = deadLetterFor(event);

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.PIXEL_COUNT_MISMATCH);
    assertThat(letter.getMessage()).contains("784").contains("783");
  }

  @Test
  void shouldDeadLetterAPngThatDoesNotDecode() {
    byte[] png = TestEvents.pngBytes(28, 28);
    ImageEvent event =
        ImageEvent.newBuilder(TestEvents.png("bad-png", 28, 28))
            .setPixels(ByteBuffer.wrap(Arrays.copyOf(png, png.length / 2)))
            .build();

    assertThat(deadLetterFor(event).getReason()).isEqualTo(DeadLetterReason.PNG_DECODE_FAILED);
  }

  @Test
  void shouldDeadLetterAPngWhoseSizeContradictsTheDeclaredOne() {
    ImageEvent event =
        ImageEvent.newBuilder(TestEvents.png("liar", 40, 30)).setWidth(30).setHeight(40).build();

    assertThat(deadLetterFor(event).getReason()).isEqualTo(DeadLetterReason.INVALID_DIMENSIONS);
  }

  @Test
  void shouldDeadLetterALabelOutsideTheDigits() {
    DeadLetter letter = deadLetterFor(TestEvents.raw28("label", 10));

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.INVALID_LABEL);
    assertThat(letter.getMessage()).contains("10");
  }

  @Test
  void shouldCarryTheSourceCoordinatesAndTheOriginalBytes() {
    app.send("ok", TestEvents.raw28("fine", null)); // offset 0
    byte[] value = TestEvents.encode(TestEvents.raw28("bad", -1));

    app.images.pipeInput(TestEvents.key("the-key"), value, 777L); // offset 1
    app.flush();
    List<TestRecord<byte[], DeadLetter>> letters = app.deadLetters.readRecordsToList();

    assertThat(letters).hasSize(1);
    TestRecord<byte[], DeadLetter> record = letters.get(0);
    assertThat(record.key()).isEqualTo(TestEvents.key("the-key"));
    assertThat(record.timestamp()).isEqualTo(777L);
    DeadLetter letter = record.value();
    assertThat(letter.getSourceTopic()).isEqualTo(app.topicNames.images());
    assertThat(letter.getPartition()).isZero();
    assertThat(letter.getOffset()).isEqualTo(1L);
    assertThat(letter.getEventId()).isEqualTo("bad");
    assertThat(AvroBytes.copyOf(letter.getOriginalKey())).isEqualTo(TestEvents.key("the-key"));
    assertThat(AvroBytes.copyOf(letter.getOriginalValue())).isEqualTo(value);
    assertThat(letter.getFailedAt()).isNotNull();
    assertThat(app.drainPredictions()).hasSize(1);
    assertThat(app.counter("mnist.dead.letters", "reason", "INVALID_LABEL")).isEqualTo(1);
  }

  private DeadLetter deadLetterFor(ImageEvent event) {
    return deadLetterFor(TestEvents.key("k"), TestEvents.encode(event));
  }

  /** Sends one record, flushes, and returns its one dead letter (asserting there is no more). */
  private DeadLetter deadLetterFor(byte[] key, byte[] value) {
    app.sendRaw(key, value);
    app.flush();
    assertThat(app.predictions.isEmpty()).as("no prediction for a bad record").isTrue();
    List<TestRecord<byte[], DeadLetter>> letters = app.deadLetters.readRecordsToList();
    assertThat(letters).hasSize(1);
    DeadLetter letter = letters.get(0).value();
    assertThat(letter.getMessage()).isNotBlank();
    assertThat(letter.getSourceTopic()).isEqualTo(app.topicNames.images());
    assertThat(letter.getOffset()).isZero();
    assertThat(letter.getOriginalKey() == null ? null : AvroBytes.copyOf(letter.getOriginalKey()))
        .isEqualTo(key);
    assertThat(app.counter("mnist.dead.letters", "reason", letter.getReason().name())).isEqualTo(1);
    return letter;
  }
}
