package org.mniststream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void shouldRefuseAnUnknownFormat() {
    assertThatThrownBy(() -> PendingEvent.fromBytes(new byte[] {9, 0, 0}))
        .isInstanceOf(IllegalStateException.class);
  }
}
