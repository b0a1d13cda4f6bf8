package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DriftDemoTest {

  @Test
  void shouldLabelTheGivenFractionOfEventsTheSameWayInEveryRun() {
    long labelled = LongStream.range(0, 100_000).filter(s -> DriftDemo.labelled(s, 0.2)).count();

    assertThat(labelled).isBetween(19_500L, 20_500L);
    // pinned: a change of the mixing function would change which events a rerun labels
    assertThat(LongStream.range(0, 52).filter(s -> DriftDemo.labelled(s, 0.2)).toArray())
        .containsExactly(5, 9, 16, 18, 20, 33, 35, 51);
  }

  @Test
  void shouldLabelNothingAtZeroAndEverythingAtOne() {
    assertThat(LongStream.range(0, 10_000).filter(s -> DriftDemo.labelled(s, 0))).isEmpty();
    assertThat(LongStream.range(0, 10_000).allMatch(s -> DriftDemo.labelled(s, 1))).isTrue();
  }

  @Test
  void shouldReadTheSequenceNumberOfAnEventId() {
    assertThat(PredictionTracker.sequenceOf("drift-1a2b3c4d-00012345")).isEqualTo(12_345);
    assertThat(PredictionTracker.sequenceOf("no-number-here")).isEqualTo(-1);
    assertThat(PredictionTracker.sequenceOf("plain")).isEqualTo(-1);
  }
}
