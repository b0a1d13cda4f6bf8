package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoCommandTest {

  @Test
  void shouldPassWhenEveryEventHasOnePredictionOrOneDeadLetter() {
    assertThat(DemoCommand.accountedFor(1_000, 990, 10, 0)).isTrue();
  }

  @Test
  void shouldFailOnALostEvent() {
    assertThat(DemoCommand.accountedFor(1_000, 989, 10, 0)).isFalse();
  }

  @Test
  void shouldFailOnADuplicateEvenWhenTheCountsAddUp() {
    assertThat(DemoCommand.accountedFor(1_000, 1_000, 0, 1)).isFalse();
  }
}
