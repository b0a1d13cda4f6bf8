package org.mniststream.app.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PairedSequentialTestTest {
  private static final double DELTA = 0.01;

  /** Pairs one at a time: the candidate alone right with probability pc, the baseline with pb. */
  private static PairedSequentialTest run(Random random, int pairs, double pc, double pb) {
    PairedSequentialTest t = PairedSequentialTest.START;
    long b = 0;
    long c = 0;
    for (int n = 1; n <= pairs; n++) {
      double u = random.nextDouble();
      if (u < pc) {
        c++;
      } else if (u < pc + pb) {
        b++;
      }
      t = t.update(n, b, c, DELTA);
    }
    return t;
  }

  @Test
  void shouldHaveNoEvidenceBeforeAnyPair() {
    assertThat(PairedSequentialTest.START.worse()).isEqualTo(1.0);
    assertThat(PairedSequentialTest.START.notWorse()).isEqualTo(1.0);
    assertThat(PairedSequentialTest.START.update(0, 0, 0, DELTA))
        .isSameAs(PairedSequentialTest.START);
  }

  @Test
  void shouldShowAMuchWorseCandidateWorseWithinThreeHundredPairsNineteenTimesInTwenty() {
    // 10 points worse: the baseline alone right on 11 % of the pairs, the candidate on 1 %
    int within300 = 0;
    for (int seed = 0; seed < 200; seed++) {
      within300 += run(new Random(seed), 300, 0.01, 0.11).worse() >= 60 ? 1 : 0;
      PairedSequentialTest longer = run(new Random(seed), 600, 0.01, 0.11);
      assertThat(longer.worse()).as("seed %d", seed).isGreaterThan(60);
      assertThat(longer.notWorse()).as("seed %d", seed).isLessThan(1);
    }
    assertThat(within300).isGreaterThanOrEqualTo(190);
  }

  @Test
  void shouldShowTheSameWeightsNotWorseAndNeverWorse() {
    PairedSequentialTest t = PairedSequentialTest.START;
    for (int n = 1; n <= 600; n++) {
      t = t.update(n, 0, 0, DELTA);
    }
    assertThat(t.notWorse()).isGreaterThan(60);
    assertThat(t.worse()).isLessThanOrEqualTo(1);
  }

  @Test
  void shouldBetOnABatchWhatItKnewBeforeIt() {
    // one report that counts 300 new pairs at once is one bet, not 300 adapted ones
    PairedSequentialTest once = PairedSequentialTest.START.update(300, 33, 3, DELTA);
    PairedSequentialTest oneByOne = PairedSequentialTest.START;
    for (int n = 1; n <= 300; n++) {
      oneByOne = oneByOne.update(n, n * 33L / 300, n * 3L / 300, DELTA);
    }
    // before any pair the bet against "tolerable" is nothing (the prior is no difference)
    assertThat(once.worse()).isEqualTo(1.0);
    assertThat(oneByOne.worse()).isGreaterThan(60);
  }

  @Test
  void shouldNotShowAWorseCandidateNotWorse() {
    assertThat(run(new Random(7), 5_000, 0.005, 0.035).notWorse()).isLessThan(1);
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
      PairedSequentialTest t = PairedSequentialTest.START;
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
        t = t.update(n, b, c, DELTA);
        worse |= t.worse() >= 1 / a;
        notWorse |= t.notWorse() >= 1 / a;
      }
      crossedWorse += worse ? 1 : 0;
      crossedNotWorse += notWorse ? 1 : 0;
    }
    assertThat(crossedWorse).as("false 'worse' at the boundary").isLessThanOrEqualTo(20);
    assertThat(crossedNotWorse).as("false 'not worse' at the boundary").isLessThanOrEqualTo(20);
  }

  @Test
  void shouldTakeShrinkingCountsAsANewBaseWithoutABet() {
    PairedSequentialTest t = PairedSequentialTest.START.update(100, 10, 0, DELTA);
    PairedSequentialTest corrected = t.update(100, 9, 0, DELTA);
    assertThat(corrected.logWorse()).isEqualTo(t.logWorse());
    assertThat(corrected.b()).isEqualTo(9);
  }

  @Test
  void shouldRefuseImpossibleCounts() {
    assertThatThrownBy(() -> PairedSequentialTest.START.update(5, 3, 3, DELTA))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PairedSequentialTest.START.update(5, 0, 0, 1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
