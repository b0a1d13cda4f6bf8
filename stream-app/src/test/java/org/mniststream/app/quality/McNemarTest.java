package org.mniststream.app.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class McNemarTest {

  @Test
  void shouldGiveTheExactTwoSidedBinomialPValue() {
    // b = 1, c = 9: 2 * P(X <= 1), X ~ Bin(10, 1/2) = 2 * 11 / 1024
    assertThat(McNemar.exactPValue(1, 9)).isEqualTo(22.0 / 1024, within(1e-15));
    assertThat(McNemar.exactPValue(9, 1)).isEqualTo(22.0 / 1024, within(1e-15));
    // b = 0, c = 5: 2 / 32
    assertThat(McNemar.exactPValue(0, 5)).isEqualTo(0.0625, within(1e-15));
    // b = 3, c = 7: 2 * (1 + 10 + 45 + 120) / 1024
    assertThat(McNemar.exactPValue(3, 7)).isEqualTo(352.0 / 1024, within(1e-15));
  }

  @Test
  void shouldBeOneWithoutEvidence() {
    assertThat(McNemar.exactPValue(0, 0)).isEqualTo(1.0);
    assertThat(McNemar.exactPValue(4, 4)).isEqualTo(1.0);
    assertThat(McNemar.exactPValue(4, 5)).isEqualTo(1.0);
  }

  @Test
  void shouldStayFiniteAndAgreeWithTheNormalApproximationForManyPairs() {
    // 50,000 against 51,000 discordant pairs: 0.0016696 exactly (summed with lgamma in double);
    // the normal approximation with continuity correction, z = 999 / sqrt(101,000), says 0.0016700
    double p = McNemar.exactPValue(50_000, 51_000);
    assertThat(p).isCloseTo(0.0016696, within(0.0000001));
    assertThat(McNemar.exactPValue(0, 5_000)).isEqualTo(0.0); // below the smallest double
  }
}
