package org.mniststream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdaptiveBatchingTest {
  private static final long MS = 1_000_000L;
  private static final Duration BUDGET = Duration.ofMillis(25);

  /** A forward pass as the simulated processor pays it: fixed + perImage * size, in nanos. */
  private record TrueCost(long fixed, long perImage) {
    long of(int size) {
      return fixed + perImage * size;
    }
  }

  private static final TrueCost FAST = new TrueCost(MS, MS / 10);

  /** One classified batch: its size and its oldest event's time in the processor. */
  private record Batch(int size, long oldestLatencyNanos) {}

  /**
   * The processor's side of the contract, on a simulated clock: events arrive every {@code
   * everyNanos} until {@code untilNanos}, the punctuator ticks every {@link AdaptiveBatching#TICK}
   * in between (as while the stream thread loops), and a classified batch costs {@code cost}.
   */
  private static final class Simulation {
    final long[] now = {0};
    final AdaptiveBatching policy;
    final TrueCost cost;
    final List<Batch> batches = new ArrayList<>();
    int buffered;
    long oldest;

    Simulation(Duration budget, int maxBatch, TrueCost cost) {
      this.policy = new AdaptiveBatching(budget, maxBatch, () -> now[0]);
      this.cost = cost;
    }

    Simulation run(long everyNanos, long untilNanos, long ticksUntilNanos) {
      long tick = AdaptiveBatching.TICK.toNanos();
      long nextArrival = now[0];
      long nextTick = now[0] + tick;
      while (nextArrival <= untilNanos || nextTick <= ticksUntilNanos) {
        if (nextArrival <= untilNanos && nextArrival <= nextTick) {
          now[0] = nextArrival;
          if (buffered++ == 0) {
            oldest = now[0];
          }
          if (policy.arrived(buffered)) {
            classify();
          }
          nextArrival += everyNanos;
        } else {
          now[0] = nextTick;
          if (policy.ticked(buffered)) {
            classify();
          }
          nextTick += tick;
        }
      }
      return this;
    }

    private void classify() {
      long nanos = cost.of(buffered);
      batches.add(new Batch(buffered, now[0] - oldest + nanos));
      policy.classified(buffered, nanos);
      buffered = 0;
    }

    /** The batches after the first second (once the rate and the cost have been learnt). */
    List<Batch> settled() {
      return batches.subList(Math.min(batches.size(), batches.size() / 5), batches.size());
    }

    IntSummaryStatistics sizes() {
      return settled().stream().mapToInt(Batch::size).summaryStatistics();
    }

    long worstLatency() {
      return batches.stream().mapToLong(Batch::oldestLatencyNanos).max().orElse(0);
    }
  }

  @Test
  void shouldClassifyEachEventAtOnceWhenTooFewArriveWithinTheBudgetToBeWorthWaitingFor() {
    // 20 events/s: fewer than one expected within 25 ms
    Simulation sim = new Simulation(BUDGET, 64, FAST).run(50 * MS, 5_000 * MS, 0);

    assertThat(sim.batches).hasSize(101).allSatisfy(b -> assertThat(b.size()).isEqualTo(1));
    assertThat(sim.worstLatency()).isLessThanOrEqualTo(FAST.of(1));
  }

  @Test
  void shouldWaitForMoreEventsUntilTheDeadlineButNotPastItAtAModerateRate() {
    // 500 events/s, one every 2 ms: a full batch of 64 would take 128 ms to gather
    Simulation sim = new Simulation(BUDGET, 64, FAST).run(2 * MS, 10_000 * MS, 10_000 * MS);

    IntSummaryStatistics sizes = sim.sizes();
    assertThat(sizes.getMax()).isLessThan(64);
    // the oldest waits ~25 ms - cost - the last 3 expected arrivals' 6 ms: about 8 events a batch
    assertThat(sizes.getMin()).isGreaterThanOrEqualTo(6);
    assertThat(sim.worstLatency()).isLessThanOrEqualTo(BUDGET.toNanos());
    assertThat(sim.settled())
        .allSatisfy(b -> assertThat(b.oldestLatencyNanos()).isGreaterThan(10 * MS));
  }

  @Test
  void shouldClassifyByTheTickBeforeTheDeadlineWhenArrivalsStop() {
    Simulation sim = new Simulation(BUDGET, 64, FAST);
    sim.run(2 * MS, 3_000 * MS, 3_100 * MS); // learn the rate and the cost
    assertThat(sim.buffered).isZero();
    sim.batches.clear();

    // three events, then nothing: only ticks remain
    sim.run(2 * MS, sim.now[0] + 4 * MS, sim.now[0] + 100 * MS);

    assertThat(sim.batches).hasSize(1);
    assertThat(sim.batches.get(0).size()).isEqualTo(3);
    assertThat(sim.batches.get(0).oldestLatencyNanos())
        .isLessThanOrEqualTo(BUDGET.toNanos())
        .isGreaterThan(10 * MS);
  }

  @Test
  void shouldFillEveryBatchWhenEventsArriveFasterThanTheBudgetNeeds() {
    // 50,000 events/s: 64 events gather in 1.3 ms
    Simulation sim = new Simulation(BUDGET, 64, FAST).run(20_000, 2_000 * MS, 2_000 * MS);

    IntSummaryStatistics sizes = sim.sizes();
    assertThat(sizes.getMin()).isEqualTo(64);
    assertThat(sizes.getMax()).isEqualTo(64);
    assertThat(sim.worstLatency()).isLessThanOrEqualTo(BUDGET.toNanos());
  }

  @Test
  void shouldWaitLessWhenTheForwardPassIsSlower() {
    TrueCost slow = new TrueCost(3 * MS, 6 * MS / 10); // 6x the per-image cost, 3x the fixed
    Simulation fast = new Simulation(BUDGET, 64, FAST).run(2 * MS, 10_000 * MS, 10_000 * MS);
    Simulation slowSim = new Simulation(BUDGET, 64, slow).run(2 * MS, 10_000 * MS, 10_000 * MS);

    double fastWait = meanWait(fast);
    double slowWait = meanWait(slowSim);
    assertThat(slowWait).isLessThan(fastWait - 5 * MS);
    assertThat(slowSim.sizes().getAverage()).isLessThan(fast.sizes().getAverage());
    assertThat(slowSim.worstLatency()).isLessThanOrEqualTo(BUDGET.toNanos());
  }

  @Test
  void shouldKeepBatchesLargeEnoughToKeepUpWhenTheBudgetCannotBeMet() {
    // 10 ms of budget, but a batch costs 5 ms + 0.5 ms an image: at 500 events/s, batches under
    // 2.5 / (0.7 - 0.25) = 5.6 events would keep the thread more than 70 % busy
    TrueCost overloaded = new TrueCost(5 * MS, MS / 2);
    Simulation sim =
        new Simulation(Duration.ofMillis(10), 64, overloaded).run(2 * MS, 10_000 * MS, 10_000 * MS);

    assertThat(sim.sizes().getMin()).isGreaterThanOrEqualTo(5); // the rate is an estimate
    double busy =
        sim.settled().stream().mapToLong(b -> overloaded.of(b.size())).sum()
            / (sim.settled().stream().mapToInt(Batch::size).sum() * 2.0 * MS);
    assertThat(busy).isLessThanOrEqualTo(AdaptiveBatching.MAX_BUSY);
  }

  private static double meanWait(Simulation sim) {
    return sim.settled().stream()
        .mapToLong(b -> b.oldestLatencyNanos() - sim.cost.of(b.size()))
        .average()
        .orElseThrow();
  }

  @Test
  void shouldLearnTheFixedAndThePerImageCostFromBatchesOfVariousSizes() {
    AdaptiveBatching.CostModel model = new AdaptiveBatching.CostModel(48);
    for (int i = 0; i < 48; i++) {
      int size = 1 + (i * 7) % 40;
      model.observe(size, 800_000 + 120_000L * size + (i % 3 - 1) * 10_000L); // +-10 us noise
    }

    assertThat(model.fixedNanos()).isCloseTo(800_000, within(20_000.0));
    assertThat(model.perImageNanos()).isCloseTo(120_000, within(2_000.0));
  }

  @Test
  void shouldKeepTheCostModelWhenABatchIsStalledByAPause() {
    AdaptiveBatching.CostModel model = new AdaptiveBatching.CostModel(48);
    for (int i = 0; i < 40; i++) {
      int size = 1 + (i * 7) % 40;
      model.observe(size, 800_000 + 120_000L * size);
    }

    // a 200 ms GC pause inside one batch of 5, then a second stall, then normal batches
    model.observe(5, 200 * MS);
    model.observe(30, 90 * MS);
    for (int i = 0; i < 8; i++) {
      int size = 3 + i;
      model.observe(size, 800_000 + 120_000L * size);
    }

    assertThat(model.predict(10)).isCloseTo(2_000_000, within(100_000.0));
    assertThat(model.predict(64)).isCloseTo(8_480_000, within(400_000.0));
  }

  @Test
  void shouldFollowTheCostWhenItReallyChanges() {
    AdaptiveBatching.CostModel model = new AdaptiveBatching.CostModel(48);
    for (int i = 0; i < 48; i++) {
      int size = 1 + (i * 7) % 40;
      model.observe(size, 800_000 + 120_000L * size);
    }
    // a heavier model: every batch from now on costs twice as much
    for (int i = 0; i < 48; i++) {
      int size = 1 + (i * 5) % 40;
      model.observe(size, 1_600_000 + 240_000L * size);
    }

    assertThat(model.predict(10)).isCloseTo(4_000_000, within(100_000.0));
  }

  @Test
  void shouldSplitTheCostHalfAndHalfWhileEveryBatchHasTheSameSize() {
    AdaptiveBatching.CostModel model = new AdaptiveBatching.CostModel(48);
    assertThat(model.predict(1))
        .isEqualTo(
            AdaptiveBatching.CostModel.PRIOR_FIXED_NANOS
                + AdaptiveBatching.CostModel.PRIOR_PER_IMAGE_NANOS);

    for (int i = 0; i < 10; i++) {
      model.observe(64, 6_400_000);
    }

    assertThat(model.fixedNanos()).isEqualTo(3_200_000);
    assertThat(model.perImageNanos()).isEqualTo(50_000);
  }

  @Test
  void shouldEstimateASteadyArrivalRate() {
    long[] now = {0};
    AdaptiveBatching policy = new AdaptiveBatching(BUDGET, 64, () -> now[0]);
    for (int i = 0; i < 3_000; i++) { // 1,000 events/s for 3 s
      now[0] = i * MS;
      policy.arrived(1);
      policy.classified(1, MS);
    }

    assertThat(policy.arrivalsPerSecond()).isCloseTo(1_000, within(50.0));
    now[0] += 2_000 * MS; // silence: the estimate decays
    assertThat(policy.arrivalsPerSecond()).isLessThan(100);
  }

  @Test
  void shouldClassifyEventsRestoredFromTheChangelogAtTheFirstTick() {
    AdaptiveBatching policy = new AdaptiveBatching(BUDGET, 64, () -> 0);

    assertThat(policy.ticked(0)).isFalse();
    assertThat(policy.ticked(12)).isTrue();
  }

  @Test
  void shouldClassifyAFullBufferAtOnce() {
    long[] now = {0};
    AdaptiveBatching policy = new AdaptiveBatching(Duration.ofSeconds(10), 4, () -> now[0]);
    for (int i = 1; i <= 3; i++) {
      now[0] = i * 1_000; // 1,000,000 events/s: plenty expected within the budget
      assertThat(policy.arrived(i)).as("event %d", i).isFalse();
    }
    now[0] = 4_000;

    assertThat(policy.arrived(4)).isTrue();
  }

  @Test
  void shouldRefuseANonPositiveBudgetOrBatch() {
    assertThatThrownBy(() -> new AdaptiveBatching(Duration.ZERO, 64, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AdaptiveBatching(BUDGET, 0, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldKeepTheFixedPolicyOfSizeAndWaitWhenNoBudgetIsSet() {
    BatchPolicy fixed = new BatchPolicy.Fixed(4, Duration.ofMillis(5));

    assertThat(fixed.tick()).isEqualTo(Duration.ofMillis(5));
    assertThat(fixed.arrived(3)).isFalse();
    assertThat(fixed.arrived(4)).isTrue();
    assertThat(fixed.ticked(0)).isTrue();
    assertThat(fixed.ticked(1)).isTrue();
  }
}
