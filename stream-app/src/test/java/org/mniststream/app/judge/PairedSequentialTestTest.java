package org.mniststream.app.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PairedSequentialTestTest {
  private static final double DELTA = 0.01;

  @Test
  void shouldHaveNoEvidenceBeforeAnyPair() {
    assertThat(PairedSequentialTest.evidenceWorse(0, 0, 0, DELTA)).isEqualTo(1.0);
    assertThat(PairedSequentialTest.evidenceNotWorse(0, 0, 0, DELTA)).isEqualTo(1.0);
  }

  @Test
  void shouldShowAMuchWorseCandidateWorseWithinThreeHundredPairs() {
    // 10 points worse: the baseline alone right on 32 of 300, the candidate alone on 2
    assertThat(PairedSequentialTest.evidenceWorse(300, 32, 2, DELTA)).isGreaterThan(60);
    assertThat(PairedSequentialTest.evidenceNotWorse(300, 32, 2, DELTA)).isLessThan(1);
  }

  @Test
  void shouldShowTheSameWeightsNotWorseAndNeverWorse() {
    // the same weights published again: every pair concordant
    assertThat(PairedSequentialTest.evidenceNotWorse(800, 0, 0, DELTA)).isGreaterThan(60);
    assertThat(PairedSequentialTest.evidenceWorse(800, 0, 0, DELTA)).isLessThan(1);
  }

  @Test
  void shouldNotShowAWorseCandidateNotWorse() {
    // 3 points worse on 5,000 pairs
    assertThat(PairedSequentialTest.evidenceNotWorse(5_000, 175, 25, DELTA)).isLessThan(1);
  }

  @Test
  void shouldKeepItsLevelHoweverOftenItIsLookedAt() {
    // At the null's boundary (the candidate exactly delta worse), look after every pair of 2,000:
    // Ville's inequality bounds the chance of ever reaching 1/a by a.
    Random random = new Random(42);
    int paths = 400;
    int crossedWorse = 0;
    int crossedNotWorse = 0;
    double a = 0.05;
    for (int path = 0; path < paths; path++) {
      long b = 0;
      long c = 0;
      boolean worse = false;
      boolean notWorse = false;
      for (int n = 1; n <= 2_000; n++) {
        // discordant 4 % of the time; d = P(c) - P(b) = -delta exactly
        double u = random.nextDouble();
        if (u < 0.015) {
          c++;
        } else if (u < 0.04) {
          b++;
        }
        worse |= PairedSequentialTest.evidenceWorse(n, b, c, DELTA) >= 1 / a;
        notWorse |= PairedSequentialTest.evidenceNotWorse(n, b, c, DELTA) >= 1 / a;
      }
      crossedWorse += worse ? 1 : 0;
      crossedNotWorse += notWorse ? 1 : 0;
    }
    assertThat(crossedWorse).as("false 'worse' at the boundary").isLessThanOrEqualTo(20);
    assertThat(crossedNotWorse).as("false 'not worse' at the boundary").isLessThanOrEqualTo(20);
  }

  @Test
  void shouldRefuseImpossibleCounts() {
    assertThatThrownBy(() -> PairedSequentialTest.evidenceWorse(5, 3, 3, DELTA))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PairedSequentialTest.evidenceWorse(5, 0, 0, 1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
