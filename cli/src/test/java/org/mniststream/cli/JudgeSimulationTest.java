package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mniststream.app.judge.RolloutPolicies;
import org.mniststream.cli.JudgeSimulation.Run;
import org.mniststream.cli.JudgeSimulation.Settings;
import org.mniststream.schemas.RolloutPolicy;

class JudgeSimulationTest {
  private static final int IMAGES = 10_000;
  private static final RolloutPolicy POLICY = RolloutPolicies.defaultPolicy();

  /** The default policy's canary-10 at 500 events/s: the target setting. */
  private static final Settings CANARY_10 = new Settings(POLICY, 1, 10, 500);

  private final int[] labels = labels();

  @Test
  void shouldRollBackACandidateTenPointsWorseWithin300CanaryEventsInAlmostEveryRun() {
    // Given a baseline right on 96 % and a candidate right on 85.6 %: 10.9 points lost, 0.5
    // gained, the discordance of two real models 10.4 points apart (docs/BENCHMARKS.md)
    int[] baseline = predictions(0.96, 1);
    int[] candidate = changed(baseline, 0.109, 0.005, 2);
    JudgeSimulation simulation = new JudgeSimulation(labels, baseline, candidate);
    assertThat(simulation.agreement().differencePoints()).isBetween(-11.0, -9.8);

    // When
    List<Run> runs = simulation.runs(CANARY_10, 1, 100);

    // Then every run rolls it back for being worse
    assertThat(runs)
        .hasSize(100)
        .allSatisfy(
            r -> {
              assertThat(r.action()).isEqualTo(RolloutPolicies.ROLLBACK);
              assertThat(r.rule()).isEqualTo("worse");
              assertThat(r.events()).isGreaterThan(r.routedEvents());
            });
    // and within the 300 canary events in all but a few: a sequential test's time to
    // decide is random, its tail is not bounded (on the real models: 8 runs of 1,000 above 300)
    List<Long> routed = runs.stream().map(Run::routedEvents).sorted().toList();
    assertThat(routed.get(49)).isLessThanOrEqualTo(150L);
    assertThat(routed.get(94)).isLessThanOrEqualTo(300L);
    assertThat(routed.get(99)).isLessThanOrEqualTo(600L);
  }

  @Test
  void shouldRollBackACandidateThreePointsWorseInEveryRunMostlyWithin1500CanaryEvents() {
    // the discordance of two real models 3.7 points apart: 4.2 % lost, 0.5 % gained
    int[] baseline = predictions(0.96, 1);
    int[] candidate = changed(baseline, 0.042, 0.005, 3);
    JudgeSimulation simulation = new JudgeSimulation(labels, baseline, candidate);

    List<Run> runs = simulation.runs(CANARY_10, 1, 40);

    assertThat(runs)
        .allSatisfy(
            r -> {
              assertThat(r.action()).isEqualTo(RolloutPolicies.ROLLBACK);
              assertThat(r.rule()).isEqualTo("worse");
            });
    // the 1,500 is met by the median run with room to spare, not by every run: on the
    // real models 16 runs of 1,000 needed more (docs/BENCHMARKS.md)
    List<Long> routed = runs.stream().map(Run::routedEvents).sorted().toList();
    assertThat(routed.get(routed.size() / 2)).isLessThanOrEqualTo(1_000L);
    assertThat(routed.get(routed.size() * 9 / 10)).isLessThanOrEqualTo(1_500L);
  }

  @Test
  void shouldNeverRollBackTheSameWeightsPublishedAgain() {
    int[] baseline = predictions(0.96, 1);
    JudgeSimulation simulation = new JudgeSimulation(labels, baseline, baseline);

    List<Run> runs = simulation.runs(CANARY_10, 1, 40);

    // no discordant pair ever: the drop is shown below 1 point once minLabelled pairs are in
    assertThat(runs)
        .allSatisfy(
            r -> {
              assertThat(r.action()).isEqualTo(RolloutPolicies.PROMOTE);
              assertThat(r.rule()).isEqualTo("not-worse");
              assertThat(r.routedEvents())
                  .isGreaterThanOrEqualTo(POLICY.getStages().get(1).getMinLabelled());
            });
  }

  @Test
  void shouldRarelyRollBackACandidateAsGoodAsTheBaseline() {
    // another seed of the same training: as accurate, but 4 % of the images change sides
    int[] baseline = predictions(0.96, 1);
    int[] candidate = changed(baseline, 0.02, 0.02, 4);
    JudgeSimulation simulation = new JudgeSimulation(labels, baseline, candidate);
    assertThat(simulation.agreement().withinDrop(POLICY.getMaxAccuracyDrop())).isTrue();

    List<Run> runs = simulation.runs(CANARY_10, 1, 100);

    long rolledBack = runs.stream().filter(r -> r.is(RolloutPolicies.ROLLBACK)).count();
    // the policy's bound for one stage is alpha / 3 judged stages = 1.67 %, 1.7 of 100 expected
    // at most; a fixed-sample test repeated after every event would exceed it many times over
    assertThat(rolledBack).isLessThanOrEqualTo(4);
    assertThat(runs.stream().filter(r -> r.is(RolloutPolicies.PROMOTE)).count())
        .isGreaterThanOrEqualTo(90);
  }

  @Test
  void shouldGiveTheSameRunsForTheSameSeedAndOtherRunsForAnother() {
    int[] baseline = predictions(0.96, 1);
    int[] candidate = changed(baseline, 0.05, 0.015, 3);

    List<Run> first = new JudgeSimulation(labels, baseline, candidate).runs(CANARY_10, 7, 5);
    List<Run> again = new JudgeSimulation(labels, baseline, candidate).runs(CANARY_10, 7, 5);
    List<Run> other = new JudgeSimulation(labels, baseline, candidate).runs(CANARY_10, 8, 5);

    assertThat(again).containsExactlyElementsOf(first);
    assertThat(other.subList(0, 4)).isEqualTo(first.subList(1, 5)); // seeds 8..11 shared
    // and the seed matters: the streams differ from run to run
    assertThat(first.stream().map(Run::events).distinct().count()).isGreaterThan(1);
  }

  @Test
  void shouldPairEveryEventInTheShadowStage() {
    int[] baseline = predictions(0.96, 1);
    JudgeSimulation simulation = new JudgeSimulation(labels, baseline, baseline);

    Run run = simulation.run(new Settings(POLICY, 0, 100, 500), 1);

    assertThat(run.action()).isEqualTo(RolloutPolicies.PROMOTE);
    assertThat(run.routedEvents()).isEqualTo(run.events());
  }

  @Test
  void shouldRefuseAnActiveStageAndMismatchedPredictions() {
    assertThatThrownBy(() -> new Settings(POLICY, 3, 100, 500))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ACTIVE");
    assertThatThrownBy(() -> new Settings(POLICY, 1, 0, 500))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("percent");
    assertThatThrownBy(() -> new JudgeSimulation(labels, new int[3], labels))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same length");
  }

  private static int[] labels() {
    SplittableRandom random = new SplittableRandom(42);
    int[] labels = new int[IMAGES];
    for (int i = 0; i < IMAGES; i++) {
      labels[i] = random.nextInt(10);
    }
    return labels;
  }

  /** Right on a share {@code accuracy} of the images, else the next class. */
  private int[] predictions(double accuracy, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] p = new int[IMAGES];
    for (int i = 0; i < IMAGES; i++) {
      p[i] = random.nextDouble() < accuracy ? labels[i] : wrong(labels[i]);
    }
    return p;
  }

  /**
   * {@code from} with about a share {@code lose} of all the images turned wrong (among those it was
   * right on) and a share {@code gain} of them turned right (among those it was wrong on).
   */
  private int[] changed(int[] from, double lose, double gain, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double right = 0;
    for (int i = 0; i < IMAGES; i++) {
      right += from[i] == labels[i] ? 1 : 0;
    }
    double rightShare = right / IMAGES;
    int[] p = from.clone();
    for (int i = 0; i < IMAGES; i++) {
      if (from[i] == labels[i]) {
        p[i] = random.nextDouble() < lose / rightShare ? wrong(labels[i]) : labels[i];
      } else {
        p[i] = random.nextDouble() < gain / (1 - rightShare) ? labels[i] : from[i];
      }
    }
    return p;
  }

  private static int wrong(int label) {
    return (label + 1) % 10;
  }
}
