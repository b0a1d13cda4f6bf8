package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void shouldReadQuantilesWithinTheBucketPrecision() {
    LatencyHistogram h = new LatencyHistogram();
    for (long ms = 1; ms <= 10_000; ms++) {
      h.record(ms * 1000);
    }

    assertThat(h.count()).isEqualTo(10_000);
    assertThat(h.quantile(0.50)).isCloseTo(5_000_000, within(5_000_000 * 0.026));
    assertThat(h.quantile(0.99)).isCloseTo(9_900_000, within(9_900_000 * 0.026));
    assertThat(h.quantile(1.0)).isCloseTo(10_000_000, within(10_000_000 * 0.026));
  }

  @Test
  void shouldSeeATailThatTheMedianHides() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < 985; i++) {
      h.record(2_000);
    }
    for (int i = 0; i < 15; i++) {
      h.record(800_000);
    }

    assertThat(h.quantile(0.50)).isCloseTo(2_000, within(2_000 * 0.026));
    assertThat(h.quantile(0.99)).isCloseTo(800_000, within(800_000 * 0.026));
  }

  @Test
  void shouldSayNothingWhenEmptyAndKeepZeroAndHugeValues() {
    LatencyHistogram h = new LatencyHistogram();
    assertThat(h.quantile(0.5)).isNaN();

    h.record(0);
    h.record(-5);
    h.record(Long.MAX_VALUE);
    assertThat(h.quantile(0.5)).isZero();
    assertThat(h.quantile(1.0)).isGreaterThan(1e10);
  }

  @Test
  void shouldMergeAndClear() {
    LatencyHistogram a = new LatencyHistogram();
    LatencyHistogram b = new LatencyHistogram();
    a.record(1_000);
    b.record(100_000);
    b.record(100_000);

    a.add(b);
    assertThat(a.count()).isEqualTo(3);
    assertThat(a.quantile(0.5)).isCloseTo(100_000, within(2_600.0));

    a.clear();
    assertThat(a.count()).isZero();
    assertThat(a.quantile(0.5)).isNaN();
  }
}
