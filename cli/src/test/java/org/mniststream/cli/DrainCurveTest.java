package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrainCurveTest {
  /** {@code perSecond[i]} records spread evenly over second i, from t0. */
  private static long[] times(long t0, long... perSecond) {
    List<Long> out = new ArrayList<>();
    for (int s = 0; s < perSecond.length; s++) {
      for (long k = 0; k < perSecond[s]; k++) {
        out.add(t0 + s * 1000L + k * 1000 / perSecond[s]);
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  @Test
  void shouldCountTheRecordsOfEachSecondFromTheFirstOutput() {
    DrainCurve curve = DrainCurve.of(new long[] {5_000, 5_999, 6_000, 7_500, 5_500});

    assertThat(curve.records()).isEqualTo(5);
    assertThat(curve.firstMillis()).isEqualTo(5_000);
    assertThat(curve.lastMillis()).isEqualTo(7_500);
    assertThat(curve.perSecond()).containsExactly(3L, 1L, 1L);
    assertThat(curve.ratePerSecond()).isCloseTo(4 / 2.5, within(1e-9));
  }

  @Test
  void shouldCompareTheFirstFiveSecondsWithTheRateAfterThem() {
    // a cold start: 100, 200, 300, 400, 500 events/s, then 1000/s for five seconds
    long[] t = times(1_000_000, 100, 200, 300, 400, 500, 1000, 1000, 1000, 1000, 1000);
    DrainCurve curve = DrainCurve.of(t);

    assertThat(curve.perSecond())
        .containsExactly(100L, 200L, 300L, 400L, 500L, 1000L, 1000L, 1000L, 1000L, 1000L);
    // 1500 in 5 s = 300/s against 5000 in the ~5 s after: ~30 %
    assertThat(curve.coldStartFraction()).isCloseTo(0.30, within(0.01));
    assertThat(curve.describe()).contains("6500 records").contains("first 5 s at 30 %");
  }

  @Test
  void shouldHaveNoColdStartFigureForADrainShorterThanItsWindow() {
    DrainCurve curve = DrainCurve.of(times(0, 1000, 1000, 1000));

    assertThat(curve.coldStartFraction()).isNaN();
    assertThat(curve.coldStartColumn()).isEqualTo("-");
    assertThat(curve.describe())
        .contains("drained before the first 5 s were over")
        .doesNotContain("NaN");
    assertThat(DrainCurve.of(new long[0]).ratePerSecond()).isNaN();
    assertThat(DrainCurve.of(new long[] {42}).ratePerSecond()).isNaN();
  }
}
