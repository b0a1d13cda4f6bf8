package org.mniststream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class PendingEventTest {
  @Test
  void shouldSurviveTheTripThroughTheChangelog() {
    byte[] pixels = new byte[784];
    pixels[100] = (byte) 255;
    PendingEvent event =
        new PendingEvent(
            "k\u00e9y".getBytes(), "id-\u00fc", 42L, 7, 1_000_000L, 99L, "images", 3, 12L, pixels);
    Serde<PendingEvent> serde = PendingEvent.serde();

    PendingEvent back =
        serde.deserializer().deserialize("t", serde.serializer().serialize("t", event));

    assertThat(back).usingRecursiveComparison().isEqualTo(event);
    assertThat(back.labelOrNull()).isEqualTo(7);
  }

  @Test
  void shouldMapTheMissingLabelToNull() {
    PendingEvent event = new PendingEvent(new byte[] {1}, "x", 0, -1, 0, 0, "t", 0, 0, new byte[0]);

    assertThat(PendingEvent.fromBytes(event.toBytes()).labelOrNull()).isNull();
  }

  @Test
  void shouldReadWhatTheDataStreamCodecOfEarlierVersionsWrote() throws Exception {
    // the layout before the codec wrote in place: stores logged by an older app must restore
    PendingEvent event =
        new PendingEvent(
            new byte[] {1, 2}, "e-\u00e9", 5L, -1, 6L, 7L, "topic", 1, 8L, new byte[] {9, 10, 11});
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1);
      writeBytes(out, event.key());
      writeBytes(out, event.eventId().getBytes(StandardCharsets.UTF_8));
      out.writeLong(event.eventTime());
      out.writeInt(event.label());
      out.writeLong(event.receivedAtMicros());
      out.writeLong(event.timestamp());
      writeBytes(out, event.sourceTopic().getBytes(StandardCharsets.UTF_8));
      out.writeInt(event.partition());
      out.writeLong(event.offset());
      writeBytes(out, event.pixels());
    }

    assertThat(PendingEvent.fromBytes(bytes.toByteArray()))
        .usingRecursiveComparison()
        .isEqualTo(event);
    assertThat(event.toBytes()).isEqualTo(bytes.toByteArray());
  }

  @Test
  void shouldRefuseATruncatedOrCorruptEvent() {
    byte[] whole =
        new PendingEvent(new byte[] {1}, "x", 0, 3, 0, 0, "t", 0, 0, new byte[784]).toBytes();
    byte[] truncated = Arrays.copyOf(whole, whole.length - 1);
    byte[] badLength = whole.clone();
    badLength[1] = (byte) 0x80; // the key's length, negative

    assertThatThrownBy(() -> PendingEvent.fromBytes(truncated))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("corrupt pending event");
    assertThatThrownBy(() -> PendingEvent.fromBytes(badLength))
        .isInstanceOf(UncheckedIOException.class);
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws Exception {
    out.writeInt(b.length);
    out.write(b);
  }

  @Test
  void shouldRefuseAnUnknownFormat() {
    assertThatThrownBy(() -> PendingEvent.fromBytes(new byte[] {9, 0, 0}))
        .isInstanceOf(IllegalStateException.class);
  }
}
