package org.mniststream.trainer.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.LabelEvent;

class LatestLabelsTest {
  private static LabelEvent label(String id, int value, String by, long at) {
    return LabelEvent.newBuilder()
        .setEventId(id)
        .setLabel(value)
        .setLabelledBy(by)
        .setLabelledAt(Instant.ofEpochMilli(at))
        .build();
  }

  @Test
  void shouldLetTheLatestLabelWinWhateverTheOrderTheyAreRead() {
    List<LabelEvent> events =
        new ArrayList<>(
            List.of(
                label("e1", 3, "batch", 1_000),
                label("e1", 8, "reviewer", 3_000),
                label("e1", 5, "dashboard", 2_000),
                label("e2", 1, "a", 500),
                label("e2", 7, "b", 500))); // a tie: broken by who gave it, b > a
    for (int shuffle = 0; shuffle < 5; shuffle++) {
      Collections.shuffle(events, new java.util.Random(shuffle));
      LatestLabels labels = new LatestLabels();
      events.forEach(labels::offer);

      assertThat(labels.of("e1")).hasValue(8);
      assertThat(labels.of("e2")).hasValue(7);
      assertThat(labels.of("e3")).isEqualTo(OptionalInt.empty());
      assertThat(labels.size()).isEqualTo(2);
    }
  }

  @Test
  void shouldRefuseALabelThatIsNotADigit() {
    LatestLabels labels = new LatestLabels();

    assertThat(labels.offer(label("e1", 4, "a", 1))).isTrue();
    assertThat(labels.offer(label("e1", 10, "a", 2))).isFalse();
    assertThat(labels.offer(label("e1", -1, "a", 3))).isFalse();

    assertThat(labels.of("e1")).hasValue(4);
  }
}
