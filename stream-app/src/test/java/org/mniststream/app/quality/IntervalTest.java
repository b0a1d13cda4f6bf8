package org.mniststream.app.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class IntervalTest {

  @Test
  void shouldGiveTheWilsonScoreIntervalOfTheTextbook() {
    // 8 of 10: Wilson 95 % is [0.4902, 0.9433] (Newcombe 1998, table I, method 3)
    Interval i = Interval.wilson(8, 10);
    assertThat(i.low()).isCloseTo(0.4902, within(1e-4));
    assertThat(i.high()).isCloseTo(0.9433, within(1e-4));
  }

  @Test
  void shouldStayInsideZeroAndOneAtTheEdges() {
    Interval none = Interval.wilson(0, 10);
    assertThat(none.low()).isEqualTo(0.0);
    assertThat(none.high()).isCloseTo(0.2775, within(1e-4));

    Interval all = Interval.wilson(10, 10);
    assertThat(all.low()).isCloseTo(0.7225, within(1e-4));
    assertThat(all.high()).isEqualTo(1.0);

    assertThat(Interval.wilson(0, 0)).isEqualTo(new Interval(0, 1));
  }

  @Test
  void shouldNarrowAsTheSampleGrows() {
    Interval small = Interval.wilson(99, 100);
    Interval large = Interval.wilson(9_900, 10_000);
    assertThat(large.high() - large.low()).isLessThan((small.high() - small.low()) / 5);
    assertThat(large.low()).isLessThan(0.99).isGreaterThan(0.987);
  }

  @Test
  void shouldCentreThePairedDifferenceOnZeroWhenTheDiscordantPairsBalance() {
    Interval even = Interval.pairedDifference(5, 5, 100);
    assertThat(even.low()).isCloseTo(-even.high(), within(1e-12));
    assertThat(even.low()).isLessThan(0);

    // 2 pairs favour the baseline, 20 the challenger, of 200: the difference is +0.09
    Interval better = Interval.pairedDifference(2, 20, 200);
    assertThat(better.low()).isGreaterThan(0);
    assertThat(better.high()).isLessThan(0.2);
    assertThat((better.low() + better.high()) / 2).isCloseTo(0.09, within(0.01));

    assertThat(Interval.pairedDifference(0, 0, 0)).isEqualTo(new Interval(-1, 1));
  }
}
